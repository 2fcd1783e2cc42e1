ALTER TABLE "web"."users" ADD COLUMN "time_zone" text DEFAULT 'America/Mexico_City' NOT NULL;--> statement-breakpoint
ALTER TABLE "web"."applications" ADD CONSTRAINT "applications_note_len" CHECK (char_length("web"."applications"."note") <= 2000);--> statement-breakpoint
ALTER TABLE "web"."jobs" ADD CONSTRAINT "jobs_title_len" CHECK (char_length("web"."jobs"."title") <= 200);--> statement-breakpoint
ALTER TABLE "web"."jobs" ADD CONSTRAINT "jobs_description_len" CHECK (char_length("web"."jobs"."description") <= 5000);--> statement-breakpoint
ALTER TABLE "web"."jobs" ADD CONSTRAINT "jobs_dialect_len" CHECK (char_length("web"."jobs"."dialect") <= 100);--> statement-breakpoint
ALTER TABLE "web"."submissions" ADD CONSTRAINT "submissions_text_len" CHECK (char_length("web"."submissions"."text") <= 20000);--> statement-breakpoint
ALTER TABLE "web"."users" ADD CONSTRAINT "users_username_len" CHECK (char_length("web"."users"."username") <= 32);--> statement-breakpoint
ALTER TABLE "web"."users" ADD CONSTRAINT "users_display_name_len" CHECK (char_length("web"."users"."display_name") <= 100);--> statement-breakpoint
ALTER TABLE "web"."users" ADD CONSTRAINT "users_wallet_address_len" CHECK (char_length("web"."users"."wallet_address") <= 500);--> statement-breakpoint
ALTER TABLE "web"."users" ADD CONSTRAINT "users_note_len" CHECK (char_length("web"."users"."note") <= 2000);--> statement-breakpoint
ALTER TABLE "web"."users" ADD CONSTRAINT "users_time_zone_len" CHECK (char_length("web"."users"."time_zone") <= 64);