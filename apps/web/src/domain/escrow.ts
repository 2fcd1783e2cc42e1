/**
 * Whether a job's money is in escrow, in one word for every list and page (computed in
 * payouts/ledger.ts `escrowState`): all of it, part of it, none, or the job has ended.
 */
export const ESCROW_STATES = ['funded', 'partly', 'unfunded', 'closed'] as const
export type EscrowState = (typeof ESCROW_STATES)[number]
