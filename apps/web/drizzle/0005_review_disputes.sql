CREATE TABLE "web"."disputes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"opened_by" uuid NOT NULL,
	"reason" text NOT NULL,
	"previous_state" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"decision" text,
	"creator_amount" bigint,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disputes_submission_id_unique" UNIQUE("submission_id")
);
--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "review_reason" text;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "review_audio_id" uuid;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "change_rounds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "release_step_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "release_notice_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD COLUMN "auto_released_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "web"."disputes" ADD CONSTRAINT "disputes_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "web"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."disputes" ADD CONSTRAINT "disputes_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "web"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."disputes" ADD CONSTRAINT "disputes_opened_by_users_id_fk" FOREIGN KEY ("opened_by") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."disputes" ADD CONSTRAINT "disputes_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disputes_state_idx" ON "web"."disputes" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "submissions_release_idx" ON "web"."submissions" USING btree ("state","release_step_at");