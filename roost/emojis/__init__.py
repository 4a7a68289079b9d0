"""Custom emojis of this server."""
