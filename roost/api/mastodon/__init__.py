"""api/mastodon."""
