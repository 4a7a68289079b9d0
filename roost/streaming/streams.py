"""Mastodon's streams: their names, the pub/sub channels behind each, and who may open them.

The rules and messages follow Mastodon's streaming server (streaming/index.js, 4.x): every
stream needs a user token; `user:notification` needs `read` or `read:notifications`, every
other stream `read` or `read:statuses`; the `user` stream carries notifications only when
the token may read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from roost.announcements.actions import CHANNEL as ANNOUNCEMENTS_CHANNEL
from roost.lists.queries import list_channel
from roost.oauth.queries import Viewer
from roost.oauth.scopes import scope_allows

# Which status events a stream sends: "visible": those the viewer's timelines would show
# (visibility, blocks, mutes); "public": of those, public posts only.
StatusRule = Literal["visible", "public"]


class StreamError(Exception):
    """A stream that cannot be opened, with Mastodon's message and HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Stream:
    """One stream a client listens to."""

    name: str  # Mastodon's stream name: "user", "public:local", "hashtag", ...
    label: tuple[str, ...]  # what WebSocket events carry as "stream": ("hashtag", "Cats")
    channels: tuple[str, ...]  # the pub/sub channels it listens on
    statuses: StatusRule | None = None  # None: no status events (update, delete, ...)
    notifications: bool = False
    filters: bool = False  # filters_changed events
    conversations: bool = False  # conversation events (direct messages)
    only_media: bool = False
    announcements: bool = False  # announcement, announcement.reaction, announcement.delete

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """Subscribing twice to the same stream (same name and channels) is a no-op."""
        return (self.name, self.channels)


def user_channel(account_id: int) -> str:
    """A user's home timeline and notifications."""
    return f"timeline:{account_id}"


def token_channel(token_id: int) -> str:
    """Messages about one access token: `kill` ends its streams (Mastodon's channel name)."""
    return f"timeline:access_token:{token_id}"


def hashtag_channel(tag: str, *, local: bool = False) -> str:
    return f"timeline:hashtag:{tag.lower()}" + (":local" if local else "")


_PUBLIC = {
    "public": "timeline:public",
    "public:local": "timeline:public:local",
    # No federation yet: nothing is ever remote, so these streams listen on nothing.
    "public:remote": None,
}


def open_stream(viewer: Viewer, name: Any, params: Mapping[str, Any]) -> Stream:
    """The stream `name` (with its `tag` or `list` parameter) for the viewer, once the
    token's scopes allow it. Raises StreamError with Mastodon's wording and status."""
    needed = "read:notifications" if name == "user:notification" else "read:statuses"
    if not scope_allows(viewer.scopes, needed):
        raise StreamError("Access token does not have the required scopes", 401)
    return resolve_stream(viewer, name, params)


def resolve_stream(viewer: Viewer, name: Any, params: Mapping[str, Any]) -> Stream:
    """The stream `name` names, scopes unchecked (an unsubscribe needs no scope)."""
    account_id = viewer.account_id
    assert account_id is not None  # streams are for user tokens only
    if not isinstance(name, str):
        raise StreamError("Unknown stream type")
    if name == "user":
        return Stream(
            name=name,
            label=(name,),
            channels=(user_channel(account_id), ANNOUNCEMENTS_CHANNEL),
            statuses="visible",
            notifications=scope_allows(viewer.scopes, "read:notifications"),
            filters=True,
            conversations=True,
            announcements=True,
        )
    if name == "user:notification":
        return Stream(
            name=name, label=(name,), channels=(user_channel(account_id),), notifications=True
        )
    if name == "direct":
        return Stream(
            name=name,
            label=(name,),
            channels=(f"timeline:direct:{account_id}",),
            conversations=True,
        )
    base, media, _ = name.partition(":media")
    if base in _PUBLIC and (not media or name == f"{base}:media"):
        channel = _PUBLIC[base]
        return Stream(
            name=name,
            label=(name,),
            channels=(channel,) if channel else (),
            statuses="public",
            only_media=bool(media),
        )
    if name in ("hashtag", "hashtag:local"):
        tag = params.get("tag")
        if not isinstance(tag, str) or not tag:
            raise StreamError("Missing tag name parameter")
        return Stream(
            name=name,
            label=(name, tag),
            channels=(hashtag_channel(tag, local=name == "hashtag:local"),),
            statuses="public",
        )
    if name == "list":
        list_id = params.get("list")
        if not isinstance(list_id, str | int) or isinstance(list_id, bool) or list_id == "":
            raise StreamError("Missing list name parameter")
        text = str(list_id)
        if not (text.isascii() and text.isdigit()):
            raise StreamError("Not authorized to stream this list", 401)
        # Whether the list is the viewer's is checked when it is opened (a query).
        return Stream(
            name=name, label=(name, text), channels=(list_channel(int(text)),), statuses="visible"
        )
    raise StreamError("Unknown stream type")
