CREATE TABLE "web"."applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"applicant_id" uuid NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"audio_id" uuid,
	"video_id" uuid,
	"image_id" uuid,
	"state" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_once" UNIQUE("job_id","applicant_id")
);
--> statement-breakpoint
CREATE TABLE "web"."jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"language" text NOT NULL,
	"dialect" text DEFAULT '' NOT NULL,
	"deliverable_types" text[] NOT NULL,
	"amount_per_person" bigint NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"max_responses" integer NOT NULL,
	"recruit_limit" integer NOT NULL,
	"recruit_deadline" timestamp with time zone NOT NULL,
	"submit_limit" integer NOT NULL,
	"submit_days" integer NOT NULL,
	"submit_deadline" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"reference_media_id" uuid,
	"state" text DEFAULT 'draft' NOT NULL,
	"state_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web"."media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"job_id" uuid,
	"kind" text NOT NULL,
	"mime" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_storage_key_unique" UNIQUE("storage_key")
);
--> statement-breakpoint
CREATE TABLE "web"."fundings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"payer_id" uuid NOT NULL,
	"payer_wallet" text NOT NULL,
	"pending_id" text,
	"payment_url" text,
	"incoming_payment_id" text,
	"quote_id" text,
	"requested" bigint NOT NULL,
	"debit_amount" bigint,
	"debit_asset_code" text,
	"debit_asset_scale" integer,
	"receive_amount" bigint,
	"received" bigint DEFAULT 0 NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"quote_expires_at" timestamp with time zone,
	"state" text DEFAULT 'starting' NOT NULL,
	"failure_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fundings_pending_id_unique" UNIQUE("pending_id")
);
--> statement-breakpoint
CREATE TABLE "web"."webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web"."payouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"receiver_id" uuid NOT NULL,
	"receiver_wallet" text,
	"amount" bigint NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"remote_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payouts_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "web"."sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web"."submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job_id" uuid NOT NULL,
	"creator_id" uuid NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"text_file_id" uuid,
	"audio_id" uuid,
	"video_id" uuid,
	"image_id" uuid,
	"state" text DEFAULT 'draft' NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "submissions_once" UNIQUE("job_id","creator_id")
);
--> statement-breakpoint
CREATE TABLE "web"."users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"display_name" text NOT NULL,
	"is_funder" boolean DEFAULT false NOT NULL,
	"is_creator" boolean DEFAULT false NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"wallet_address" text,
	"preferred_language" text DEFAULT 'es' NOT NULL,
	"native_languages" text[] DEFAULT '{}' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"profile_audio_id" uuid,
	"profile_video_id" uuid,
	"profile_image_id" uuid,
	"job_defaults" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "web"."applications" ADD CONSTRAINT "applications_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "web"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."applications" ADD CONSTRAINT "applications_applicant_id_users_id_fk" FOREIGN KEY ("applicant_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."jobs" ADD CONSTRAINT "jobs_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."media" ADD CONSTRAINT "media_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD CONSTRAINT "fundings_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "web"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD CONSTRAINT "fundings_payer_id_users_id_fk" FOREIGN KEY ("payer_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD CONSTRAINT "payouts_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "web"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD CONSTRAINT "payouts_receiver_id_users_id_fk" FOREIGN KEY ("receiver_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "web"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD CONSTRAINT "submissions_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "web"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD CONSTRAINT "submissions_creator_id_users_id_fk" FOREIGN KEY ("creator_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applications_applicant_idx" ON "web"."applications" USING btree ("applicant_id");--> statement-breakpoint
CREATE INDEX "jobs_state_idx" ON "web"."jobs" USING btree ("state","recruit_deadline");--> statement-breakpoint
CREATE INDEX "jobs_owner_idx" ON "web"."jobs" USING btree ("owner_id","state");--> statement-breakpoint
CREATE INDEX "media_owner_idx" ON "web"."media" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "fundings_job_idx" ON "web"."fundings" USING btree ("job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fundings_one_open_per_job" ON "web"."fundings" USING btree ("job_id") WHERE state in ('starting', 'awaiting_consent', 'paying');--> statement-breakpoint
CREATE INDEX "payouts_job_idx" ON "web"."payouts" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "payouts_due_idx" ON "web"."payouts" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "web"."sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "submissions_creator_idx" ON "web"."submissions" USING btree ("creator_id");