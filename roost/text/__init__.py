"""Post text: weighted length, entity extraction, and HTML rendering."""
