"""The web app's pages, one module per area (auth, timelines, profiles, statuses, settings)."""
