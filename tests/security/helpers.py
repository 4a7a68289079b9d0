"""Shared steps of the account-safety tests: enabling two-factor sign-in through the web
settings, and codes computed as an authenticator app would."""

from __future__ import annotations

import re
import time

import httpx
import pyotp

from tests.web.test_pages import csrf_of


def code_at(secret: str, offset: int = 0) -> str:
    """The TOTP code of `secret` for the step `offset` steps from now."""
    return pyotp.TOTP(secret).at(int(time.time()) + 30 * offset)


async def enable_two_factor(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    """Turn it on in the settings of the signed-in client: (secret, recovery codes)."""
    page = await client.get("/settings/security")
    assert page.status_code == 200
    r = await client.post("/settings/security/setup", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    page = await client.get("/settings/security")
    found = re.search(r'id="two-factor-secret">([A-Z2-7]+)<', page.text)
    assert found, page.text
    assert "<svg" in page.text  # the QR code
    secret = found.group(1)
    r = await client.post(
        "/settings/security/confirm",
        data={"csrf_token": csrf_of(page.text), "code": code_at(secret, -1)},
    )
    assert r.status_code == 200, r.text
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", r.text)
    assert len(codes) == 10
    return secret, codes
