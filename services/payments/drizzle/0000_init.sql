CREATE TABLE "payments"."sellers" (
	"id" text PRIMARY KEY NOT NULL,
	"wallet_address_url" text NOT NULL,
	"key_id" text NOT NULL,
	"key_ref" jsonb NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."payments" (
	"id" text PRIMARY KEY NOT NULL,
	"offer_id" text NOT NULL,
	"seller_id" text NOT NULL,
	"buyer_wallet_address_url" text NOT NULL,
	"state" text NOT NULL,
	"amount_value" numeric(39, 0) NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"return_url" text,
	"buyer_wallet_address_id" text,
	"buyer_auth_server" text,
	"buyer_resource_server" text,
	"incoming_payment_id" text,
	"quote_id" text,
	"quote_expires_at" timestamp with time zone,
	"debit_value" numeric(39, 0),
	"debit_asset_code" text,
	"debit_asset_scale" integer,
	"receive_value" numeric(39, 0),
	"client_nonce" text,
	"interact_nonce" text,
	"redirect_url" text,
	"continue_uri" text,
	"continue_token" text,
	"continue_wait_seconds" integer,
	"grant_requested_at" timestamp with time zone,
	"consent_expires_at" timestamp with time zone,
	"interact_ref" text,
	"access_token" text,
	"manage_url" text,
	"create_attempted_at" timestamp with time zone,
	"outgoing_payment_id" text,
	"sent_value" numeric(39, 0),
	"failure_code" text,
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payments"."payout_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"seller_id" text NOT NULL,
	"state" text NOT NULL,
	"limit_value" numeric(39, 0) NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"interval" text,
	"return_url" text,
	"wallet_address_id" text NOT NULL,
	"auth_server" text NOT NULL,
	"client_nonce" text NOT NULL,
	"interact_nonce" text,
	"redirect_url" text,
	"continue_uri" text,
	"continue_token" text,
	"continue_wait_seconds" integer,
	"grant_requested_at" timestamp with time zone,
	"interact_ref" text,
	"access_token" text,
	"manage_url" text,
	"token_expires_at" timestamp with time zone,
	"failure_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."payouts" (
	"id" text PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"seller_id" text NOT NULL,
	"grant_id" text,
	"receiver_wallet_address_url" text NOT NULL,
	"state" text NOT NULL,
	"amount_value" numeric(39, 0) NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"incoming_payment_id" text,
	"quote_id" text,
	"quote_expires_at" timestamp with time zone,
	"receive_value" numeric(39, 0),
	"receive_asset_code" text,
	"receive_asset_scale" integer,
	"create_attempted_at" timestamp with time zone,
	"outgoing_payment_id" text,
	"sent_value" numeric(39, 0),
	"failure_code" text,
	"failure_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "payouts_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "payments"."webhook_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments"."webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "payments_open_start_uq" ON "payments"."payments" USING btree ("offer_id","seller_id","buyer_wallet_address_url","amount_value") WHERE state in ('starting', 'awaiting_consent');--> statement-breakpoint
CREATE INDEX "payments_offer_idx" ON "payments"."payments" USING btree ("offer_id","created_at");--> statement-breakpoint
CREATE INDEX "payments_due_idx" ON "payments"."payments" USING btree ("next_attempt_at") WHERE state in ('starting', 'awaiting_consent', 'authorized', 'sending');--> statement-breakpoint
CREATE INDEX "payout_grants_seller_idx" ON "payments"."payout_grants" USING btree ("seller_id","state");--> statement-breakpoint
CREATE INDEX "payouts_due_idx" ON "payments"."payouts" USING btree ("next_attempt_at") WHERE state in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "webhook_events_due_idx" ON "payments"."webhook_events" USING btree ("next_attempt_at") WHERE delivered_at is null;