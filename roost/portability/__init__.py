"""The account's own data: CSV exports and imports in Mastodon's formats, and the archive
of one's posts and media (Mastodon's "Import and export" settings)."""
