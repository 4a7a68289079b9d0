"""What every door (the Mastodon API, the web pages, streaming) shares: parsing requests,
authenticating them, limiting their rate, routing and answering errors."""
