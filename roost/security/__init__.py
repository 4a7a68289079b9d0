"""Account safety: two-factor sign-in (TOTP and recovery codes), the account's sessions
and authorised apps, and the deletion of an account by its owner."""
