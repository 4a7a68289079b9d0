"""/moderation/trends: staff review trending hashtags and posts on the web (audited)."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from roost.moderation.audit import access_audit_log
from roost.moderation.staff import Staff
from tests.conftest import MakeUser, User
from tests.moderation.test_admin_trends_api import seed
from tests.web.test_pages import assert_safe_page, sign_in


async def test_review_trends_on_the_web(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser, alice: User, moderator: User
) -> None:
    status_id = await seed(client, make_user)
    await sign_in(client, alice)
    assert "/moderation/trends" not in (await client.get("/moderation/reports")).text
    assert (await client.get("/moderation/trends")).status_code == 403

    token = await sign_in(client, moderator)
    page = await client.get("/moderation/trends")
    assert_safe_page(page)
    assert 'href="/moderation/trends"' in page.text  # the tab
    assert "#approveme" in page.text
    assert page.text.count("Waiting for review") == 3  # two hashtags, one post
    tag_id = page.text.split('action="/moderation/trends/tags/')[1].split("/")[0]
    r = await client.post(f"/moderation/trends/tags/{tag_id}/reject", data={"csrf_token": token})
    assert r.status_code in (302, 303), r.text
    r = await client.post(
        f"/moderation/trends/statuses/{status_id}/approve", data={"csrf_token": token}
    )
    assert r.status_code in (302, 303), r.text
    page = await client.get("/moderation/trends")
    assert page.text.count("Waiting for review") == 1
    assert "Rejected" in page.text
    assert "Approved" in page.text
    r = await client.post(f"/moderation/trends/tags/{tag_id}/approve", data={})
    assert r.status_code == 403  # no CSRF token
    r = await client.post("/moderation/trends/things/1/approve", data={"csrf_token": token})
    assert r.status_code == 404

    log = await access_audit_log(roost.db, Staff(moderator.id, "moderator"))
    assert [(e.action, e.target_type) for e in log] == [
        ("approve_trend", "Status"), ("reject_trend", "Tag")
    ]  # fmt: skip
