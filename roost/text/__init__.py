"""Post text: weighted length, entity extraction, and HTML rendering.

``length`` measures a post against the limit, ``entities`` finds mentions, hashtags,
cashtags and URLs, ``render`` turns post text into Mastodon-style HTML (with the link
markup of ``links``) and ``plaintext`` turns it back. ``controls`` keeps bidirectional and
invisible characters out of links and display names. ``twitter``, ``emoji``,
``charclasses`` and ``normalise`` are what they are built on.
"""
