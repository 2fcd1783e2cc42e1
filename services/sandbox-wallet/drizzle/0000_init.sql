CREATE SCHEMA IF NOT EXISTS "sandbox_wallet";
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."access_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"grant_id" uuid NOT NULL,
	"value" text NOT NULL,
	"manage_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_tokens_value_unique" UNIQUE("value"),
	CONSTRAINT "access_tokens_manage_id_unique" UNIQUE("manage_id")
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."client_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_address_id" uuid NOT NULL,
	"kid" text NOT NULL,
	"jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"state" text NOT NULL,
	"finalization_reason" text,
	"client" text,
	"client_jwk" jsonb,
	"access" jsonb NOT NULL,
	"continue_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"continue_token" text NOT NULL,
	"wait_seconds" integer,
	"finish_uri" text,
	"client_nonce" text,
	"interact_id" uuid,
	"interact_nonce" text,
	"interact_ref" text,
	"interaction_expires_at" timestamp with time zone,
	"last_continued_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grants_continue_id_unique" UNIQUE("continue_id"),
	CONSTRAINT "grants_continue_token_unique" UNIQUE("continue_token"),
	CONSTRAINT "grants_interact_id_unique" UNIQUE("interact_id"),
	CONSTRAINT "grants_interact_ref_unique" UNIQUE("interact_ref")
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."incoming_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_address_id" uuid NOT NULL,
	"client" text,
	"incoming_amount" bigint,
	"received_amount" bigint DEFAULT 0 NOT NULL,
	"completed" boolean DEFAULT false NOT NULL,
	"expires_at" timestamp with time zone,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."ledger_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"wallet_address_id" uuid,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallet_balance_not_negative" CHECK ("sandbox_wallet"."ledger_accounts"."kind" <> 'wallet' OR "sandbox_wallet"."ledger_accounts"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."ledger_transfers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"debit_account_id" uuid NOT NULL,
	"credit_account_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"reference" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfer_positive" CHECK ("sandbox_wallet"."ledger_transfers"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."outgoing_payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_address_id" uuid NOT NULL,
	"quote_id" uuid NOT NULL,
	"grant_id" uuid NOT NULL,
	"client" text,
	"receiver" text NOT NULL,
	"debit_amount" bigint NOT NULL,
	"receive_amount" bigint NOT NULL,
	"sent_amount" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'sending' NOT NULL,
	"error" text,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outgoing_payments_quote_id_unique" UNIQUE("quote_id")
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."quotes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"wallet_address_id" uuid NOT NULL,
	"client" text,
	"receiver" text NOT NULL,
	"debit_amount" bigint NOT NULL,
	"debit_asset_code" text NOT NULL,
	"debit_asset_scale" integer NOT NULL,
	"receive_amount" bigint NOT NULL,
	"receive_asset_code" text NOT NULL,
	"receive_asset_scale" integer NOT NULL,
	"fee" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_wallet"."wallet_addresses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"public_name" text NOT NULL,
	"asset_code" text NOT NULL,
	"asset_scale" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallet_addresses_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."access_tokens" ADD CONSTRAINT "access_tokens_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "sandbox_wallet"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."client_keys" ADD CONSTRAINT "client_keys_wallet_address_id_wallet_addresses_id_fk" FOREIGN KEY ("wallet_address_id") REFERENCES "sandbox_wallet"."wallet_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."incoming_payments" ADD CONSTRAINT "incoming_payments_wallet_address_id_wallet_addresses_id_fk" FOREIGN KEY ("wallet_address_id") REFERENCES "sandbox_wallet"."wallet_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_wallet_address_id_wallet_addresses_id_fk" FOREIGN KEY ("wallet_address_id") REFERENCES "sandbox_wallet"."wallet_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."ledger_transfers" ADD CONSTRAINT "ledger_transfers_debit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("debit_account_id") REFERENCES "sandbox_wallet"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."ledger_transfers" ADD CONSTRAINT "ledger_transfers_credit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("credit_account_id") REFERENCES "sandbox_wallet"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."outgoing_payments" ADD CONSTRAINT "outgoing_payments_wallet_address_id_wallet_addresses_id_fk" FOREIGN KEY ("wallet_address_id") REFERENCES "sandbox_wallet"."wallet_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."outgoing_payments" ADD CONSTRAINT "outgoing_payments_quote_id_quotes_id_fk" FOREIGN KEY ("quote_id") REFERENCES "sandbox_wallet"."quotes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."outgoing_payments" ADD CONSTRAINT "outgoing_payments_grant_id_grants_id_fk" FOREIGN KEY ("grant_id") REFERENCES "sandbox_wallet"."grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sandbox_wallet"."quotes" ADD CONSTRAINT "quotes_wallet_address_id_wallet_addresses_id_fk" FOREIGN KEY ("wallet_address_id") REFERENCES "sandbox_wallet"."wallet_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "client_keys_wallet_kid" ON "sandbox_wallet"."client_keys" USING btree ("wallet_address_id","kid");--> statement-breakpoint
CREATE INDEX "grants_state" ON "sandbox_wallet"."grants" USING btree ("state");--> statement-breakpoint
CREATE INDEX "incoming_payments_wallet_created" ON "sandbox_wallet"."incoming_payments" USING btree ("wallet_address_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_accounts_wallet" ON "sandbox_wallet"."ledger_accounts" USING btree ("wallet_address_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_accounts_system" ON "sandbox_wallet"."ledger_accounts" USING btree ("kind","asset_code") WHERE "sandbox_wallet"."ledger_accounts"."wallet_address_id" IS NULL;--> statement-breakpoint
CREATE INDEX "ledger_transfers_reference" ON "sandbox_wallet"."ledger_transfers" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "outgoing_payments_wallet_created" ON "sandbox_wallet"."outgoing_payments" USING btree ("wallet_address_id","created_at");--> statement-breakpoint
CREATE INDEX "outgoing_payments_grant" ON "sandbox_wallet"."outgoing_payments" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "outgoing_payments_sending" ON "sandbox_wallet"."outgoing_payments" USING btree ("state");