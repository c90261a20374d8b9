"""Every write lives here. Services flush, never commit: the caller owns the transaction."""
