DROP INDEX "web"."fundings_one_open_per_job";--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD COLUMN "fee" bigint;--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD COLUMN "wallet_result" text;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD COLUMN "received" bigint;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD COLUMN "received_asset_code" text;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD COLUMN "received_asset_scale" integer;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD COLUMN "fee" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "fundings_one_open_per_job" ON "web"."fundings" USING btree ("job_id") WHERE state in ('starting', 'awaiting_consent', 'paying', 'needs_review', 'unknown');--> statement-breakpoint
-- Quotes recorded before the fee was kept: debit − receive where both are in one asset, as the payments service computes it.
UPDATE "web"."fundings" SET "fee" = "debit_amount" - "receive_amount" WHERE "debit_amount" IS NOT NULL AND "receive_amount" IS NOT NULL AND "debit_asset_code" = "asset_code" AND "debit_asset_scale" = "asset_scale";
