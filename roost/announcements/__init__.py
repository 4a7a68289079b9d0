"""Announcements: notes from the instance's staff shown to every signed-in user, who may
react to them with emojis and dismiss them (Mastodon's announcements)."""
