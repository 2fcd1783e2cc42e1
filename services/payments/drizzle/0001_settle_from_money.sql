DROP INDEX "payments"."payments_due_idx";--> statement-breakpoint
DROP INDEX "payments"."payouts_due_idx";--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "wallet_result" text;--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "received_value" numeric(39, 0);--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "settle_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payouts" ADD COLUMN "received_value" numeric(39, 0);--> statement-breakpoint
ALTER TABLE "payments"."payouts" ADD COLUMN "incoming_closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payments"."payouts" ADD COLUMN "settle_by" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "payments_due_idx" ON "payments"."payments" USING btree ("next_attempt_at") WHERE state in ('starting', 'awaiting_consent', 'authorized', 'sending', 'needs_review');--> statement-breakpoint
CREATE INDEX "payouts_due_idx" ON "payments"."payouts" USING btree ("next_attempt_at") WHERE state in ('pending', 'sending', 'needs_review');