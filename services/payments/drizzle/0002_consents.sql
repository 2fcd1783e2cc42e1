CREATE TABLE "payments"."consents" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"state" text NOT NULL,
	"seller_id" text NOT NULL,
	"wallet_address_id" text NOT NULL,
	"auth_server" text NOT NULL,
	"client_nonce" text NOT NULL,
	"interact_nonce" text NOT NULL,
	"redirect_url" text NOT NULL,
	"continue_uri" text NOT NULL,
	"continue_token" text NOT NULL,
	"continue_wait_seconds" integer DEFAULT 0 NOT NULL,
	"grant_requested_at" timestamp with time zone NOT NULL,
	"interact_ref" text,
	"wallet_result" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payments"."payments" ADD COLUMN "consent_id" text;--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" ADD COLUMN "consent_id" text;--> statement-breakpoint
-- Existing interactive grants move into consents, keeping their ids (so finish links already sent,
-- ?pendingId= and ?payoutGrantId=, still find them).
INSERT INTO "payments"."consents" ("id", "purpose", "state", "seller_id", "wallet_address_id", "auth_server", "client_nonce", "interact_nonce", "redirect_url", "continue_uri", "continue_token", "continue_wait_seconds", "grant_requested_at", "interact_ref", "wallet_result", "created_at", "updated_at")
SELECT "id", 'payment',
  CASE WHEN "interact_ref" IS NOT NULL THEN 'claimed' WHEN "state" = 'awaiting_consent' THEN 'awaiting' ELSE 'closed' END,
  "seller_id", "buyer_wallet_address_id", "buyer_auth_server", "client_nonce", "interact_nonce", "redirect_url", "continue_uri", "continue_token",
  coalesce("continue_wait_seconds", 0), coalesce("grant_requested_at", "created_at"), "interact_ref", "wallet_result", "created_at", "updated_at"
FROM "payments"."payments"
WHERE "client_nonce" IS NOT NULL AND "interact_nonce" IS NOT NULL AND "continue_uri" IS NOT NULL AND "continue_token" IS NOT NULL AND "redirect_url" IS NOT NULL AND "buyer_wallet_address_id" IS NOT NULL AND "buyer_auth_server" IS NOT NULL;--> statement-breakpoint
UPDATE "payments"."payments" SET "consent_id" = "id" WHERE "id" IN (SELECT "id" FROM "payments"."consents" WHERE "purpose" = 'payment');--> statement-breakpoint
INSERT INTO "payments"."consents" ("id", "purpose", "state", "seller_id", "wallet_address_id", "auth_server", "client_nonce", "interact_nonce", "redirect_url", "continue_uri", "continue_token", "continue_wait_seconds", "grant_requested_at", "interact_ref", "wallet_result", "created_at", "updated_at")
SELECT "id", 'payout_grant',
  CASE WHEN "interact_ref" IS NOT NULL THEN 'claimed' WHEN "state" = 'awaiting_consent' THEN 'awaiting' ELSE 'closed' END,
  "seller_id", "wallet_address_id", "auth_server", "client_nonce", "interact_nonce", "redirect_url", "continue_uri", "continue_token",
  coalesce("continue_wait_seconds", 0), coalesce("grant_requested_at", "created_at"), "interact_ref", NULL, "created_at", "updated_at"
FROM "payments"."payout_grants"
WHERE "interact_nonce" IS NOT NULL AND "continue_uri" IS NOT NULL AND "continue_token" IS NOT NULL AND "redirect_url" IS NOT NULL;--> statement-breakpoint
UPDATE "payments"."payout_grants" SET "consent_id" = "id" WHERE "id" IN (SELECT "id" FROM "payments"."consents" WHERE "purpose" = 'payout_grant');--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "client_nonce";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "interact_nonce";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "redirect_url";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "continue_uri";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "continue_token";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "continue_wait_seconds";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "grant_requested_at";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "interact_ref";--> statement-breakpoint
ALTER TABLE "payments"."payments" DROP COLUMN "wallet_result";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "client_nonce";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "interact_nonce";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "redirect_url";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "continue_uri";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "continue_token";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "continue_wait_seconds";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "grant_requested_at";--> statement-breakpoint
ALTER TABLE "payments"."payout_grants" DROP COLUMN "interact_ref";