export type FundingError = 'no_wallet' | 'payments_unavailable' | 'already_funded' | 'funding_in_progress'
