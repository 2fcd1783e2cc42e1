CREATE TABLE "web"."audio_clips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"target" text NOT NULL,
	"language" text NOT NULL,
	"status" text DEFAULT 'needs_review' NOT NULL,
	"media_id" uuid NOT NULL,
	"contributor_id" uuid,
	"reviewer_id" uuid,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "web"."audio_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"target" text NOT NULL,
	"language" text NOT NULL,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by_clip_id" uuid
);
--> statement-breakpoint
ALTER TABLE "web"."audio_clips" ADD CONSTRAINT "audio_clips_media_id_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "web"."media"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."audio_clips" ADD CONSTRAINT "audio_clips_contributor_id_users_id_fk" FOREIGN KEY ("contributor_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."audio_clips" ADD CONSTRAINT "audio_clips_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."audio_requests" ADD CONSTRAINT "audio_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "web"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web"."audio_requests" ADD CONSTRAINT "audio_requests_closed_by_clip_id_audio_clips_id_fk" FOREIGN KEY ("closed_by_clip_id") REFERENCES "web"."audio_clips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audio_clips_ready_uq" ON "web"."audio_clips" USING btree ("target","language") WHERE status = 'ready';--> statement-breakpoint
CREATE INDEX "audio_clips_status_idx" ON "web"."audio_clips" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "audio_requests_open_uq" ON "web"."audio_requests" USING btree ("target","language") WHERE closed_at is null;