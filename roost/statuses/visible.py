"""`Visible`: status ids that the visibility layer has let one viewer see."""

from __future__ import annotations

from collections.abc import Iterable


class Visible(tuple[int, ...]):
    """Status ids, in order, that a query applying `statuses.queries.visible_to` returned
    for `viewer_id`. Only the query layer makes them (the import contracts keep the HTTP
    layer from importing this module), and `StatusRenderer.render` takes nothing else: a
    status reaches a viewer only through a query that checked it."""

    viewer_id: int | None

    def __new__(cls, viewer_id: int | None, ids: Iterable[int]) -> Visible:
        made = super().__new__(cls, ids)
        made.viewer_id = viewer_id
        return made

    @classmethod
    def join(cls, *parts: Visible) -> Visible:
        """The ids of `parts` (all checked for one viewer), one after the other."""
        viewers = {p.viewer_id for p in parts}
        if len(viewers) > 1:
            raise ValueError("ids checked for different viewers")
        return cls(viewers.pop() if viewers else None, [i for p in parts for i in p])
