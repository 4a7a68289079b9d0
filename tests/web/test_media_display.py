"""Media in posts on the web: a grid of pictures with their alt text (each a link to the
full file), sensitive media behind a cover with their blurhash, the profile's Media tab."""

from __future__ import annotations

import httpx

from tests.conftest import User
from tests.statuses.test_media_posts import post, upload
from tests.web.test_pages import assert_safe_page, sign_in


async def test_pictures_in_timelines_and_threads(client: httpx.AsyncClient, alice: User) -> None:
    media = [await upload(client, alice, "A red <square>"), await upload(client, alice)]
    posted = (await post(client, alice, status="Pictures", media_ids=media)).json()
    plain = (await post(client, alice, status="Words only")).json()
    await sign_in(client, alice)
    for path in ("/", f"/@alice/{posted['id']}", "/@alice"):
        page = await client.get(path)
        assert_safe_page(page)
        assert 'class="media-grid media-2"' in page.text, path
        assert 'alt="A red &lt;square&gt;"' in page.text, path  # escaped, never markup
        full = posted["media_attachments"][0]["url"]
        assert f'href="{full}" data-full="{full}"' in page.text, path
        assert "media-sensitive" not in page.text
    tab = await client.get("/@alice/media")
    assert_safe_page(tab)
    assert f'id="s-{posted["id"]}"' in tab.text
    assert f'id="s-{plain["id"]}"' not in tab.text
    served = await client.get(posted["media_attachments"][1]["url"])
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/")


async def test_sensitive_media_stay_covered(client: httpx.AsyncClient, alice: User) -> None:
    media_id = await upload(client, alice)
    posted = (
        await post(client, alice, status="Careful", media_ids=[media_id], sensitive=True)
    ).json()
    blurhash = posted["media_attachments"][0]["blurhash"]
    await sign_in(client, alice)
    page = await client.get(f"/@alice/{posted['id']}")
    assert_safe_page(page)
    assert '<details class="media-sensitive">' in page.text
    assert f'data-blurhash="{blurhash}"' in page.text
