"""Polls on statuses: options, ballots, counts, and closing at the deadline."""
