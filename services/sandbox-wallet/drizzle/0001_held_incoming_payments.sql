ALTER TABLE "sandbox_wallet"."incoming_payments" ADD COLUMN "credited_amount" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Until now every payment credited the wallet at once: what existing rows received is already credited.
UPDATE "sandbox_wallet"."incoming_payments" SET "credited_amount" = "received_amount";--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."incoming_payments" ADD COLUMN "shared_secret" text;--> statement-breakpoint
-- Existing rows get a secret too: base64url of 32 bytes (from two random UUIDs; the sandbox settles internally).
UPDATE "sandbox_wallet"."incoming_payments" SET "shared_secret" = translate(rtrim(encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '='), '+/', '-_');--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."incoming_payments" ALTER COLUMN "shared_secret" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "incoming_payments_held" ON "sandbox_wallet"."incoming_payments" USING btree ("expires_at") WHERE "sandbox_wallet"."incoming_payments"."credited_amount" < "sandbox_wallet"."incoming_payments"."received_amount";
