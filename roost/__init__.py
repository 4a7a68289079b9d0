"""Roost: a Twitter-style social network that speaks the Mastodon client API."""

__version__ = "0.1.0"
MASTODON_VERSION = "4.5.0"
