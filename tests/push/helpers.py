"""What push tests share: a client's key pair, an instance whose outbound requests may
reach 127.0.0.1, and decrypting what a receiver got."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import http_ece  # type: ignore[import-untyped]  # http_ece ships no type hints
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from roost.app import create_app
from roost.instance import Roost
from tests.outbound.server import Received


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class ClientKeys:
    """What a phone's push subscription holds: a P-256 key pair and an auth secret."""

    private: ec.EllipticCurvePrivateKey
    auth: bytes

    @classmethod
    def generate(cls) -> ClientKeys:
        return cls(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def subscription(self, endpoint: str, *, standard: bool | None = None) -> dict[str, Any]:
        sub: dict[str, Any] = {
            "endpoint": endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }
        if standard is not None:
            sub["standard"] = standard
        return sub

    def decrypt(self, got: Received) -> dict[str, Any]:
        """The JSON of a push, decrypted as the phone would (either encoding)."""
        encoding = got.headers["Content-Encoding"]
        if encoding == "aes128gcm":
            plain = http_ece.decrypt(
                got.body, private_key=self.private, auth_secret=self.auth, version="aes128gcm"
            )
        else:
            assert encoding == "aesgcm"
            salt = unb64(got.headers["Encryption"].removeprefix("salt="))
            dh = unb64(got.headers["Crypto-Key"].split("dh=")[1].split(";")[0])
            plain = http_ece.decrypt(
                got.body, salt=salt, private_key=self.private, dh=dh, auth_secret=self.auth,
                keylabel="P-256", version="aesgcm",
            )  # fmt: skip
        decoded: dict[str, Any] = json.loads(plain)
        return decoded


async def client_for(instance: Roost) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on `instance` that runs queued jobs after each response (as the
    `client` fixture does for the default instance)."""
    worker = instance.worker
    assert worker is not None

    async def run_jobs(response: httpx.Response) -> None:
        if worker.take_wake():
            await worker.run_pending()

    transport = httpx.ASGITransport(app=create_app(instance.settings, instance))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks={"response": [run_jobs]}
    ) as c:
        yield c
