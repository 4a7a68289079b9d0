"""The plain text of a post that muted words are searched in, made once per post: it is
kept in the post's cached core (roost.statuses.render), so a page of a viewer with
filters parses no HTML. (Turning each post's HTML back into text on every page was 22% of
a home request's profile with three filters: two thirds of what they added to it.)"""

from __future__ import annotations

from roost.polls.entities import Poll
from roost.statuses.entities import Status
from roost.text.plaintext import html_to_text


def searchable_text(status: Status, poll: Poll | None) -> str:
    """Mastodon's Status#searchable_text: the content warning, the text without HTML, the
    poll's options (`poll`, as the status shows it or as its core caches it) and the
    media descriptions, a blank line between them. Of the status itself: for a boost,
    pass the boosted post."""
    parts = [status.spoiler_text, html_to_text(status.content)]
    if poll is not None:
        parts.append("\n\n".join(o.title for o in poll.options))
    descriptions = [m.description for m in status.media_attachments if m.description]
    if descriptions:
        parts.append("\n\n".join(descriptions))
    return "\n\n".join(parts)
