ALTER TABLE "payments"."payouts" ADD COLUMN "fixed" text DEFAULT 'send' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments"."payouts" ADD COLUMN "debit_value" numeric(39, 0);