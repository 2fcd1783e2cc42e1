ALTER TABLE "web"."media" ADD COLUMN "state" text DEFAULT 'stored' NOT NULL;--> statement-breakpoint
CREATE INDEX "media_created_idx" ON "web"."media" USING btree ("created_at");