"""The FeedStore contract, run against the SQL store and the Redis store."""

from __future__ import annotations

from roost.feeds import FEED_CAP, FeedStore
from tests.backends.conftest import Rows

A, B = 7, 8  # author ids (the feed store does not care whether they are accounts)


async def everything(feeds: FeedStore, owner: int) -> list[int] | None:
    return await feeds.page(owner, limit=FEED_CAP + 100)


async def test_a_feed_is_absent_until_filled(feeds: FeedStore, rows: Rows) -> None:
    [owner] = await rows.owners(1)
    assert await feeds.page(owner) is None
    await feeds.fill(owner, [])
    assert await feeds.page(owner) == []
    assert await feeds.page(owner, max_id=10**18, since_id=1, limit=5) == []


async def test_push_reaches_present_feeds_and_leaves_absent_ones_absent(
    feeds: FeedStore, rows: Rows
) -> None:
    present, absent, bystander = await rows.owners(3)
    [s] = await rows.statuses(1)
    await feeds.fill(present, [])
    await feeds.fill(bystander, [])
    await feeds.push([present, absent], s, A)
    assert await feeds.page(present) == [s]
    assert await feeds.page(absent) is None
    assert await feeds.page(bystander) == []
    await feeds.push([], s, A)  # an empty batch is fine


async def test_push_and_remove_in_big_batches(feeds: FeedStore, rows: Rows) -> None:
    owners = await rows.owners(2100)
    present = [owners[0], owners[999], owners[1000], owners[2099]]
    s1, s2 = await rows.statuses(2)
    for owner in present:
        await feeds.fill(owner, [(s1, A)])
    await feeds.push(owners, s2, B)
    assert [await feeds.page(o) for o in present] == [[s2, s1]] * 4
    assert await feeds.page(owners[1]) is None
    assert await feeds.page(owners[2098]) is None
    await feeds.remove(owners, [(s1, A)])
    assert [await feeds.page(o) for o in present] == [[s2]] * 4


async def test_push_many_is_each_push(feeds: FeedStore, rows: Rows) -> None:
    o1, o2, absent = await rows.owners(3)
    s1, s2, s3 = await rows.statuses(3)
    await feeds.fill(o1, [(s1, A)])
    await feeds.fill(o2, [])
    await feeds.push_many([([o1, o2, absent], s2, A), ([], s3, B), ([o2], s3, B)])
    await feeds.push_many([])
    assert await feeds.page(o1) == [s2, s1]
    assert await feeds.page(o2) == [s3, s2]
    assert await feeds.page(absent) is None


async def test_push_is_idempotent(feeds: FeedStore, rows: Rows) -> None:
    [owner] = await rows.owners(1)
    s1, s2 = await rows.statuses(2)
    await feeds.fill(owner, [(s1, A)])
    await feeds.push([owner], s2, B)
    await feeds.push([owner, owner], s2, B)
    await feeds.push([owner], s1, A)
    await feeds.fill(owner, [(s2, B), (s1, A)])
    assert await everything(feeds, owner) == [s2, s1]


async def test_fill_keeps_what_is_there_and_pages_newest_first(
    feeds: FeedStore, rows: Rows
) -> None:
    [owner] = await rows.owners(1)
    s = await rows.statuses(5)
    await feeds.fill(owner, [(s[2], A), (s[0], A)])
    await feeds.push([owner], s[4], B)
    await feeds.fill(owner, [(s[1], B), (s[3], B), (s[2], A)])
    assert await everything(feeds, owner) == s[::-1]


async def test_feeds_are_capped_at_feed_cap(feeds: FeedStore, rows: Rows) -> None:
    full, overfilled = await rows.owners(2)
    ids = await rows.statuses(FEED_CAP + 5)
    await feeds.fill(full, [(i, A) for i in reversed(ids[:FEED_CAP])])
    assert await everything(feeds, full) == ids[:FEED_CAP][::-1]

    await feeds.push([full], ids[FEED_CAP], A)  # the oldest entry makes room
    assert await everything(feeds, full) == ids[1 : FEED_CAP + 1][::-1]
    await feeds.fill(full, [(i, B) for i in ids[FEED_CAP + 1 :]])
    assert await everything(feeds, full) == ids[5:][::-1]
    await feeds.push([full], ids[0], A)  # older than everything kept: not kept either
    assert await everything(feeds, full) == ids[5:][::-1]

    await feeds.fill(overfilled, [(i, A) for i in ids])
    assert await everything(feeds, overfilled) == ids[5:][::-1]


async def test_page_bounds(feeds: FeedStore, rows: Rows) -> None:
    [owner] = await rows.owners(1)
    s = await rows.statuses(10)
    await feeds.fill(owner, [(i, A) for i in s])
    newest = s[::-1]
    assert await feeds.page(owner) == newest
    assert await feeds.page(owner, limit=3) == newest[:3]
    assert await feeds.page(owner, limit=100) == newest
    # max_id and since_id are exclusive; since_id gives the newest page above it.
    assert await feeds.page(owner, max_id=s[5], limit=3) == [s[4], s[3], s[2]]
    assert await feeds.page(owner, since_id=s[5]) == [s[9], s[8], s[7], s[6]]
    assert await feeds.page(owner, since_id=s[5], limit=2) == [s[9], s[8]]
    assert await feeds.page(owner, max_id=s[8], since_id=s[2]) == [s[7], s[6], s[5], s[4], s[3]]
    # min_id gives the page just above it, still newest first.
    assert await feeds.page(owner, min_id=s[5], limit=2) == [s[7], s[6]]
    assert await feeds.page(owner, min_id=s[5]) == [s[9], s[8], s[7], s[6]]
    assert await feeds.page(owner, min_id=s[2], max_id=s[8], limit=2) == [s[4], s[3]]
    assert await feeds.page(owner, min_id=s[2], max_id=s[8], limit=20) == newest[2:7]
    # Nothing beyond either end.
    assert await feeds.page(owner, max_id=s[0]) == []
    assert await feeds.page(owner, since_id=s[9]) == []
    assert await feeds.page(owner, min_id=s[9]) == []
    assert await feeds.page(owner, max_id=s[3], since_id=s[2]) == []


async def test_page_bounds_that_are_not_in_the_feed(feeds: FeedStore, rows: Rows) -> None:
    [owner] = await rows.owners(1)
    s = await rows.statuses(9)
    await feeds.fill(owner, [(i, A) for i in s[::2]])  # s0 s2 s4 s6 s8
    assert await feeds.page(owner, max_id=s[5], limit=2) == [s[4], s[2]]
    assert await feeds.page(owner, since_id=s[3]) == [s[8], s[6], s[4]]
    assert await feeds.page(owner, min_id=s[3], limit=2) == [s[6], s[4]]
    assert await feeds.page(owner, max_id=s[0] - 1) == []
    assert await feeds.page(owner, min_id=s[0] - 1, limit=1) == [s[0]]


async def test_paging_is_exact_where_ids_share_a_float_score(feeds: FeedStore, rows: Rows) -> None:
    [owner] = await rows.owners(1)
    s = await rows.statuses(40)
    assert len({float(i) for i in s}) < len(s) / 4  # ~16 neighbours per double: the point
    await feeds.fill(owner, [(i, A) for i in s])

    walked_down: list[int] = []
    max_id: int | None = None
    while page := await feeds.page(owner, max_id=max_id, limit=3):
        walked_down += page
        max_id = page[-1]
    assert walked_down == s[::-1]

    walked_up: list[int] = []
    min_id = s[0] - 1
    while page := await feeds.page(owner, min_id=min_id, limit=3):
        walked_up = page + walked_up
        min_id = page[0]
    assert walked_up == s[::-1]

    for i in range(1, len(s) - 1):
        assert await feeds.page(owner, max_id=s[i], limit=1) == [s[i - 1]]
        assert await feeds.page(owner, min_id=s[i], limit=1) == [s[i + 1]]
        assert await feeds.page(owner, since_id=s[i - 1], max_id=s[i + 1]) == [s[i]]


async def test_paging_is_exact_where_ids_change_length(feeds: FeedStore, rows: Rows) -> None:
    # Around 10**17 (May 2018) "99999999999999999:7" and "100000000000000000:7" share a
    # score, and Redis orders equal scores as strings: the opposite of their ids.
    [owner] = await rows.owners(1)
    s = await rows.statuses(40, start=10**17 - 20)
    await feeds.fill(owner, [(i, A) for i in s])
    for limit in (1, 3, 7):
        walked: list[int] = []
        max_id: int | None = None
        while page := await feeds.page(owner, max_id=max_id, limit=limit):
            walked += page
            max_id = page[-1]
        assert walked == s[::-1]
        walked = []
        min_id = s[0] - 1
        while page := await feeds.page(owner, min_id=min_id, limit=limit):
            walked = page + walked
            min_id = page[0]
        assert walked == s[::-1]


async def test_remove_takes_entries_out_of_the_given_feeds(feeds: FeedStore, rows: Rows) -> None:
    a, b, absent = await rows.owners(3)
    s1, s2, s3 = await rows.statuses(3)
    for owner in (a, b):
        await feeds.fill(owner, [(s1, A), (s2, A), (s3, B)])
    await feeds.remove([a, absent], [(s2, A)])
    assert await feeds.page(a) == [s3, s1]
    assert await feeds.page(b) == [s3, s2, s1]
    assert await feeds.page(absent) is None
    await feeds.remove([a], [(s1, A), (s3, B)])
    assert await feeds.page(a) == []  # emptied, still present
    await feeds.remove([], [(s1, A)])
    await feeds.remove([b], [])
    assert await feeds.page(b) == [s3, s2, s1]


async def test_remove_many_entries_at_once(feeds: FeedStore, rows: Rows) -> None:
    owners = await rows.owners(3)
    s = await rows.statuses(4)
    for owner in owners:
        await feeds.fill(owner, [(i, A) for i in s])
    never_pushed = [(i, A) for i in range(1, 9001)]  # past what one Lua call can unpack
    await feeds.remove(owners[:2], [*never_pushed, (s[1], A), (s[2], A)])
    assert await feeds.page(owners[0]) == [s[3], s[0]]
    assert await feeds.page(owners[1]) == [s[3], s[0]]
    assert await feeds.page(owners[2]) == s[::-1]


async def test_remove_author(feeds: FeedStore, rows: Rows) -> None:
    owner, other, absent = await rows.owners(3)
    s = await rows.statuses(5)
    # 5 is also how 15 and 55 end: removal is by the whole author id.
    entries = [(s[0], 5), (s[1], 15), (s[2], 5), (s[3], 55), (s[4], 50)]
    await feeds.fill(owner, entries)
    await feeds.fill(other, entries)
    await feeds.remove_author(owner, 5)
    assert await feeds.page(owner) == [s[4], s[3], s[1]]
    assert await feeds.page(other) == s[::-1]
    await feeds.remove_author(owner, 99)
    assert await feeds.page(owner) == [s[4], s[3], s[1]]
    for author in (15, 55, 50):
        await feeds.remove_author(owner, author)
    assert await feeds.page(owner) == []
    await feeds.remove_author(absent, 5)
    assert await feeds.page(absent) is None


async def test_drop_and_clear_make_feeds_absent(feeds: FeedStore, rows: Rows) -> None:
    a, b, never = await rows.owners(3)
    [s] = await rows.statuses(1)
    await feeds.fill(a, [(s, A)])
    await feeds.fill(b, [(s, A)])
    await feeds.drop(a)
    await feeds.drop(never)
    assert await feeds.page(a) is None
    assert await feeds.page(never) is None
    assert await feeds.page(b) == [s]
    await feeds.push([a, b], s, A)
    assert await feeds.page(a) is None  # dropped means absent: pushes pass it by
    await feeds.fill(a, [])
    assert await feeds.page(a) == []
    await feeds.clear()
    assert await feeds.page(a) is None
    assert await feeds.page(b) is None
