export type SubmissionError = 'not_selected' | 'wrong_deliverable' | 'empty_submission' | 'already_submitted' | 'full'
