"""Operating an instance: `roost doctor` (checks and safe repairs) and `roost backup` /
`roost restore`. Above the domains: it reads their tables and calls their queries."""
