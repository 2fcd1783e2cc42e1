export type ApplicationError = 'own_job' | 'already_applied' | 'not_recruiting'
