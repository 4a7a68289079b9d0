"""One status renderer per instance: what a viewer may see, rendered through the cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from types import SimpleNamespace

from roost.accounts.queries import account_entity, render_accounts
from roost.cache import Cache
from roost.db import Database
from roost.errors import NotFound
from roost.filters.queries import ViewerFilters
from roost.media.render import render_attachment
from roost.media.storage import MediaStorage
from roost.polls.render import for_viewer
from roost.statuses.edits import access_history, edit_entity
from roost.statuses.entities import Status, StatusEdit
from roost.statuses.posting import Posted
from roost.statuses.queries import access_status, timeline_params, visible_among, visible_ids
from roost.statuses.render import (
    complete,
    core_of,
    mention_entity,
    render_statuses,
    tag_entity,
)
from roost.statuses.viewer_flags import Quotable
from roost.statuses.visible import Visible
from roost.timeutil import utcnow


class StatusRenderer:
    """Renders statuses for viewers with the instance's database, cache and base URL.

    Every way in applies visibility: `render` takes only ids a visibility query returned
    (`Visible`), `visible` and `one` run that query themselves. Every render goes through
    the rendered-status cache."""

    def __init__(self, db: Database, cache: Cache, base_url: str, storage: MediaStorage) -> None:
        self.db = db
        self.cache = cache
        self.base_url = base_url
        self.storage = storage
        self.filters = ViewerFilters(db, cache)

    async def render(self, ids: Visible, context: str | None = None) -> list[Status]:
        """Status entities for `ids` (checked for their viewer), in that order, with a
        fixed number of queries however many (whatever polls and quotes they hold). With a
        filter `context` (home, public, thread, account, notifications), as the viewer's
        filters show them there: see roost.filters.matching.apply."""
        viewer_id = ids.viewer_id

        quotable = Quotable(
            visible_among(viewer_id is None, hide_muted=False, name="quoted"),
            timeline_params(viewer_id),
        )
        active = None
        if context is not None and viewer_id is not None and ids:
            active = await self.filters.active(viewer_id)
        # With filters to apply, the texts they search, from the cached cores: no post's
        # HTML is parsed per page.
        texts: dict[str, str] | None = {} if active is not None and active.filters else None
        rendered = await render_statuses(
            self.db, viewer_id, ids, self.base_url, self.cache, quotable, self.storage, texts
        )
        if texts is None or context is None or viewer_id is None:
            return rendered
        return await self.filters.apply(viewer_id, rendered, context, active=active, texts=texts)

    async def visible(
        self, viewer_id: int | None, ids: Sequence[int], *, hide_muted: bool = False
    ) -> list[Status]:
        """Those of `ids` the viewer may see (with `hide_muted`: as timelines show them),
        rendered; the others are left out."""
        return await self.render(await visible_ids(self.db, viewer_id, ids, hide_muted=hide_muted))

    async def one(self, viewer_id: int | None, status_id: int) -> Status:
        """One status the viewer may see; NotFound otherwise."""
        found = await self.visible(viewer_id, [status_id])
        if not found:
            raise NotFound()
        return found[0]

    async def history(self, viewer_id: int | None, status_id: int) -> list[StatusEdit]:
        """The versions of a status the viewer may see, oldest first; NotFound otherwise."""
        status, versions = await access_history(self.db, viewer_id, status_id)
        rendered = await render_accounts(self.db, {status.account_id}, self.base_url)
        account = rendered.get(status.account_id)
        if account is None:
            raise NotFound()
        current = await self.one(viewer_id, status_id)
        if not versions:  # never edited: the history is the status itself
            return [edit_entity(status, status.created_at, account, current.emojis)]
        return [edit_entity(v, v.created_at, account, current.emojis) for v in versions]

    async def source(self, author_id: int, status_id: int) -> str:
        """The text of one's own status as typed (for editing); NotFound for another's."""
        row = await access_status(self.db, author_id, status_id)
        if row.account_id != author_id:
            raise NotFound()
        return str(row.text)

    def posted(self, posted: Posted) -> Status:
        """A new status as `one` would give it to its author, from what the post wrote
        (no read-back; tests/statuses checks the two agree): no one can have favourited,
        boosted, bookmarked or pinned it yet."""
        base_url = self.base_url
        row = SimpleNamespace(
            **{f.name: getattr(posted, f.name) for f in dataclasses.fields(posted)},
            account_id=posted.author.id,
            reblog_of_id=None,
            edited_at=None,
            reblogs_count=0,
            favourites_count=0,
            replies_count=0,
            quotes_count=0,
            quote_state=None if posted.quote_of_id is None else "accepted",
        )
        core = core_of(
            row,
            [mention_entity(i, u, base_url) for i, u in posted.mentions],
            [tag_entity(t, base_url) for t in posted.tags],
            list(posted.emojis),
            posted.poll,
            [render_attachment(m, self.storage) for m in posted.media],
        )
        account = account_entity(posted.author, base_url)
        author = posted.author.id
        poll = None if posted.poll is None else for_viewer(posted.poll, author, None, utcnow())
        own = (False, False, False, False)
        return complete(core, account, base_url, author, own, False, None, poll)
