"""Live updates for clients: Mastodon's streams (`streams`) and a client's listener over the
pub/sub backend (`hub`). The HTTP and WebSocket endpoints are in roost/api/mastodon/streaming.py."""
