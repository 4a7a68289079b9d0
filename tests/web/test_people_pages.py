"""People on the web: whom to follow and the directory, dismissing a suggestion,
featuring an account on one's profile, and a private note only its writer sees."""

from __future__ import annotations

import httpx

from roost.instance import Roost
from tests.conftest import MakeUser, User
from tests.web.test_pages import assert_safe_page, sign_in


async def test_who_to_follow_and_the_directory(
    client: httpx.AsyncClient, make_user: MakeUser, alice: User, bob: User, carol: User
) -> None:
    dave = await make_user("dave")
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    await client.post(f"/api/v1/accounts/{dave.id}/follow", headers=bob.auth)
    page = await client.get("/explore/people")  # signed out: the directory only
    assert_safe_page(page)
    assert "Who to follow" not in page.text
    assert "@dave" in page.text
    token = await sign_in(client, alice)
    page = await client.get("/explore/people")
    assert_safe_page(page)
    who = page.text.split('id="directory"')[0]
    assert "@dave" in who
    assert "Followed by people you follow" in who
    assert "@bob" not in who  # followed already
    r = await client.post(f"/explore/people/{dave.id}/dismiss", data={"csrf_token": token})
    assert r.status_code == 303
    page = await client.get("/explore/people")
    assert "@dave" not in page.text.split('id="directory"')[0]
    explore = await client.get("/public")
    assert 'href="/explore/people"' in explore.text


async def test_feature_an_account_and_keep_a_private_note(
    client: httpx.AsyncClient, alice: User, bob: User, carol: User
) -> None:
    token = await sign_in(client, alice)
    page = await client.get("/@bob")
    assert "Feature on my profile" not in page.text  # only whom one follows
    await client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    page = await client.get("/@bob")
    assert_safe_page(page)
    assert "Feature on my profile" in page.text
    r = await client.post("/@bob/endorse", data={"csrf_token": token, "next": "/@bob"})
    assert r.status_code == 303
    assert "Stop featuring on my profile" in (await client.get("/@bob")).text
    mine = await client.get("/@alice")
    assert "Featured people" in mine.text
    assert 'href="/@bob"' in mine.text
    r = await client.post(
        "/@bob/note", data={"csrf_token": token, "comment": "Owes me <b>lunch</b>"}
    )
    assert r.status_code == 303
    page = await client.get("/@bob")
    assert "Owes me &lt;b&gt;lunch&lt;/b&gt;" in page.text
    await sign_in(client, carol)
    assert "Owes me" not in (await client.get("/@bob")).text


async def test_the_trending_tab(
    client: httpx.AsyncClient, roost: Roost, make_user: MakeUser
) -> None:
    page = await client.get("/explore/trends")
    assert_safe_page(page)
    assert "Nothing is trending right now." in page.text
    await roost.cache.delete_many(["trends:tag", "trends:status"])  # rankings last 2 minutes
    fans = [await make_user(f"fan{n}") for n in range(3)]
    first = await client.post("/api/v1/statuses", json={"status": "Look up #meteors"},
                              headers=fans[0].auth)  # fmt: skip
    for fan in fans[1:]:
        await client.post("/api/v1/statuses", json={"status": "#meteors!"}, headers=fan.auth)
        await client.post(f"/api/v1/statuses/{first.json()['id']}/favourite", headers=fan.auth)
    page = await client.get("/explore/trends")
    assert_safe_page(page)
    assert 'href="/tags/meteors">#meteors</a>' in page.text
    assert "3 people in the last 2 days" in page.text
    assert "Look up" in page.text.split('id="trending-posts"')[1]
    assert 'href="/explore/trends"' in (await client.get("/public")).text
