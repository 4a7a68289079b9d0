"""Filters ("muted words"): keywords and statuses one does not want to see, per context."""
