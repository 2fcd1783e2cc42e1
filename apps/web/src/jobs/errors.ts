export type JobError = 'invalid_amount' | 'invalid_state' | 'invalid_dates'
