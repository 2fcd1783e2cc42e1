export type UserError =
  | 'username_taken'
  | 'invalid_credentials'
  | 'wallet_unreachable'
  | 'weak_password'
  | 'invalid_username'
