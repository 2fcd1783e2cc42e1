export type JobError = 'invalid_amount' | 'invalid_state' | 'invalid_dates' | 'missing_text' | 'no_deliverables' | 'invalid_numbers'
