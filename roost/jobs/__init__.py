"""Background jobs: a SQL job table, claimed with SKIP LOCKED or BEGIN IMMEDIATE."""
