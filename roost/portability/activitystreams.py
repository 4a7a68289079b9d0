"""The archive's JSON in ActivityStreams shape, as Mastodon's archive has it
(ActivityPub::ActivitySerializer, ActorSerializer): each post a `Create` of its `Note`
(a boost an `Announce`), media pointing at their files inside the archive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "blurhash": "toot:blurhash",
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
        "Hashtag": "as:Hashtag",
        "sensitive": "as:sensitive",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "schema": "http://schema.org#",
    },
]


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def actor_uri(base_url: str, username: str) -> str:
    return f"{base_url}/users/{username}"


def status_uri(base_url: str, username: str, status_id: int) -> str:
    return f"{base_url}/users/{username}/statuses/{status_id}"


def audience(visibility: str, followers: str, mentioned: list[str]) -> tuple[list[str], list[str]]:
    """(to, cc) of a post by its visibility, as Mastodon addresses it."""
    if visibility == "public":
        return [PUBLIC], [followers, *mentioned]
    if visibility == "unlisted":
        return [followers], [PUBLIC, *mentioned]
    if visibility == "private":
        return [followers], mentioned
    return mentioned, []


def attachment(media: Any) -> dict[str, Any]:
    """A media file as a `Document`; its `url` is its path inside the archive."""
    meta = dict(media.meta or {})
    original = meta.get("original") or {}
    out: dict[str, Any] = {
        "type": "Document",
        "mediaType": media.content_type,
        "url": media.file_key,
        "name": media.description,
        "blurhash": media.blurhash,
    }
    if original.get("width") and original.get("height"):
        out["width"], out["height"] = original["width"], original["height"]
    focus = meta.get("focus")
    if isinstance(focus, dict) and "x" in focus and "y" in focus:
        out["focalPoint"] = [focus["x"], focus["y"]]
    return out


def activity(
    status: Any,
    username: str,
    base_url: str,
    *,
    reblog_uri: str | None,
    reply_uri: str | None,
    mentions: list[str],
    tags: list[str],
    media: list[Any],
) -> dict[str, Any]:
    """One post of the archive's outbox (without `@context`, as Mastodon's archive)."""
    me = actor_uri(base_url, username)
    followers = f"{me}/followers"
    uri = status_uri(base_url, username, int(status.id))
    mentioned = [actor_uri(base_url, m) for m in mentions]
    to, cc = audience(status.visibility, followers, mentioned)
    published = iso(status.created_at)
    if reblog_uri is not None:
        return {"id": f"{uri}/activity", "type": "Announce", "actor": me,
                "published": published, "to": to, "cc": cc, "object": reblog_uri}  # fmt: skip
    note: dict[str, Any] = {
        "id": uri,
        "type": "Note",
        "summary": status.spoiler_text or None,
        "inReplyTo": reply_uri,
        "published": published,
        "url": f"{base_url}/@{username}/{status.id}",
        "attributedTo": me,
        "to": to,
        "cc": cc,
        "sensitive": bool(status.sensitive),
        "atomUri": uri,
        "inReplyToAtomUri": reply_uri,
        "content": status.content,
    }
    if status.edited_at is not None:
        note["updated"] = iso(status.edited_at)
    if status.language:
        note["contentMap"] = {status.language: status.content}
    note["attachment"] = [attachment(m) for m in media]
    note["tag"] = [
        {"type": "Mention", "href": actor_uri(base_url, m), "name": f"@{m}"} for m in mentions
    ] + [{"type": "Hashtag", "href": f"{base_url}/tags/{t}", "name": f"#{t}"} for t in tags]
    return {"id": f"{uri}/activity", "type": "Create", "actor": me, "published": published,
            "to": to, "cc": cc, "object": note}  # fmt: skip


def actor(account: Any, base_url: str, icon: str | None, image: str | None) -> dict[str, Any]:
    """The archive's actor.json: the account as ActivityPub's actor, its collections
    pointing at the archive's files."""
    me = actor_uri(base_url, account.username)
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": me,
        "type": "Service" if account.bot else "Person",
        "following": f"{me}/following",
        "followers": f"{me}/followers",
        "inbox": f"{me}/inbox",
        "outbox": "outbox.json",
        "featured": f"{me}/collections/featured",
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": account.note_html,
        "url": f"{base_url}/@{account.username}",
        "manuallyApprovesFollowers": bool(account.locked),
        "discoverable": bool(account.discoverable),
        "indexable": bool(account.indexable),
        "published": iso(account.created_at),
        "attachment": [
            {"type": "PropertyValue", "name": f["name"], "value": f["value"]}
            for f in (account.fields or [])
        ],
        "likes": "likes.json",
        "bookmarks": "bookmarks.json",
    }
    if icon:
        out["icon"] = {"type": "Image", "url": icon}
    if image:
        out["image"] = {"type": "Image", "url": image}
    return out


def collection(name: str, items: list[str]) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": name,
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }
