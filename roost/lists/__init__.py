"""Lists: an account's own groups of the people it follows, each with its timeline."""
