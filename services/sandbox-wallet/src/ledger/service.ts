import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Db, Tx } from '@voces/platform'
import { ledgerAccounts, ledgerTransfers, walletAddresses } from '../db/schema.ts'

type SystemKind = 'deposits' | 'exchange' | 'fees' | 'holding'
type Wallet = Pick<typeof walletAddresses.$inferSelect, 'id' | 'assetCode' | 'assetScale'>

export type LedgerFailure = 'insufficient_balance'

export interface LedgerService {
  openWalletAccount(tx: Tx, wallet: Wallet): Promise<void>
  /** Money entering the sandbox from outside: the only way the wallets' total grows. */
  deposit(wallet: Wallet, value: bigint, reference: string): Promise<void>
  balance(walletAddressId: string): Promise<bigint>
  /**
   * Settles a payment in one transaction: the sender is debited `debit` (of which `fee` goes to the
   * fee account), and `receive` reaches the holding account of the receiver's asset through the
   * exchange accounts. The receiver's wallet is credited later, by `release`.
   */
  settle(
    tx: Tx,
    payment: { sender: Wallet; receiver: Wallet; debit: bigint; fee: bigint; receive: bigint; reference: string }
  ): Promise<void | LedgerFailure>
  /** Credits a wallet with money held for one of its incoming payments. */
  release(tx: Tx, credit: { wallet: Wallet; amount: bigint; reference: string }): Promise<void>
}

export function createLedgerService(deps: { db: Db }): LedgerService {
  async function walletAccountId(tx: Tx | Db, walletAddressId: string): Promise<string> {
    const [row] = await tx
      .select({ id: ledgerAccounts.id })
      .from(ledgerAccounts)
      .where(eq(ledgerAccounts.walletAddressId, walletAddressId))
    if (!row) throw new Error(`No ledger account for wallet address ${walletAddressId}`)
    return row.id
  }

  async function systemAccountId(tx: Tx, kind: SystemKind, assetCode: string, assetScale: number): Promise<string> {
    await tx.insert(ledgerAccounts).values({ kind, assetCode, assetScale }).onConflictDoNothing()
    const [row] = await tx
      .select({ id: ledgerAccounts.id })
      .from(ledgerAccounts)
      .where(and(eq(ledgerAccounts.kind, kind), eq(ledgerAccounts.assetCode, assetCode), isNull(ledgerAccounts.walletAddressId)))
    return row!.id
  }

  /** Moves `amount` between two accounts; a wallet account never goes below zero. */
  async function transfer(tx: Tx, debitAccountId: string, creditAccountId: string, amount: bigint, reference: string) {
    if (amount === 0n) return true
    const debited = await tx
      .update(ledgerAccounts)
      .set({ balance: sql`${ledgerAccounts.balance} - ${amount}` })
      .where(
        and(
          eq(ledgerAccounts.id, debitAccountId),
          sql`(${ledgerAccounts.kind} <> 'wallet' OR ${ledgerAccounts.balance} >= ${amount})`
        )
      )
      .returning({ id: ledgerAccounts.id })
    if (debited.length === 0) return false
    await tx
      .update(ledgerAccounts)
      .set({ balance: sql`${ledgerAccounts.balance} + ${amount}` })
      .where(eq(ledgerAccounts.id, creditAccountId))
    await tx.insert(ledgerTransfers).values({ debitAccountId, creditAccountId, amount, reference })
    return true
  }

  return {
    async openWalletAccount(tx, wallet) {
      await tx
        .insert(ledgerAccounts)
        .values({ kind: 'wallet', walletAddressId: wallet.id, assetCode: wallet.assetCode, assetScale: wallet.assetScale })
        .onConflictDoNothing()
    },
    async deposit(wallet, value, reference) {
      await deps.db.transaction(async (tx) => {
        const from = await systemAccountId(tx, 'deposits', wallet.assetCode, wallet.assetScale)
        await transfer(tx, from, await walletAccountId(tx, wallet.id), value, reference)
      })
    },
    async balance(walletAddressId) {
      const [row] = await deps.db
        .select({ balance: ledgerAccounts.balance })
        .from(ledgerAccounts)
        .where(eq(ledgerAccounts.walletAddressId, walletAddressId))
      return row?.balance ?? 0n
    },
    async settle(tx, { sender, receiver, debit, fee, receive, reference }) {
      const senderAccount = await walletAccountId(tx, sender.id)
      const exchangeIn = await systemAccountId(tx, 'exchange', sender.assetCode, sender.assetScale)
      // Debit the whole amount first so that one balance check covers it; then split off the fee.
      if (!(await transfer(tx, senderAccount, exchangeIn, debit, reference))) return 'insufficient_balance'
      if (fee > 0n) {
        await transfer(tx, exchangeIn, await systemAccountId(tx, 'fees', sender.assetCode, sender.assetScale), fee, reference)
      }
      const exchangeOut = await systemAccountId(tx, 'exchange', receiver.assetCode, receiver.assetScale)
      await transfer(tx, exchangeOut, await systemAccountId(tx, 'holding', receiver.assetCode, receiver.assetScale), receive, reference)
    },
    async release(tx, { wallet, amount, reference }) {
      const holding = await systemAccountId(tx, 'holding', wallet.assetCode, wallet.assetScale)
      await transfer(tx, holding, await walletAccountId(tx, wallet.id), amount, reference)
    }
  }
}
