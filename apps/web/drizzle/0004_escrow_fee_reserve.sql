ALTER TABLE "web"."jobs" ADD COLUMN "payout_fee_per_person" bigint;--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD COLUMN "payout_fee_reserve" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "web"."fundings" ADD COLUMN "failure_code" text;--> statement-breakpoint
ALTER TABLE "web"."payouts" ADD COLUMN "debited" bigint;