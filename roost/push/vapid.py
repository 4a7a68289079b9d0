"""The instance's VAPID key pair (RFC 8292): what push services check our pushes against.

Generated into the data dir on first start, as the secret key is, unless set with
ROOST_VAPID_PRIVATE_KEY (and optionally ROOST_VAPID_PUBLIC_KEY). Both are base64url of the
raw P-256 key (32 bytes private, the 65-byte uncompressed point public), Mastodon's form.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import replace
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from roost.config import Settings

KEY_FILE = "vapid_private_key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    """Base64 in either alphabet, padded or not (clients send both)."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def private_key(raw_b64: str) -> ec.EllipticCurvePrivateKey:
    """The private key from its base64url raw scalar (ValueError if it is not one)."""
    try:
        raw = b64url_decode(raw_b64)
    except ValueError as exc:
        raise ValueError("the VAPID private key is not base64url") from exc
    if len(raw) != 32:
        raise ValueError("the VAPID private key must be 32 bytes (base64url)")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def with_vapid_keys(settings: Settings) -> Settings:
    """`settings` with both VAPID keys set: from the settings, else from the data dir's
    key file, made now if there is none."""
    raw = settings.vapid_private_key or _read_or_create(settings.data_dir / KEY_FILE)
    public = public_key_of(private_key(raw))
    if settings.vapid_public_key and settings.vapid_public_key.rstrip("=") != public:
        raise ValueError("ROOST_VAPID_PUBLIC_KEY is not the public key of ROOST_VAPID_PRIVATE_KEY")
    return replace(settings, vapid_private_key=raw, vapid_public_key=public)


def _read_or_create(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            # 0600 from creation, as the secret key (roost.config).
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            key = new_private_key()
            with os.fdopen(fd, "w") as file:
                file.write(key + "\n")
            return key
    for _ in range(50):  # a process may be writing it right now
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise ValueError(f"{path} is empty: remove it to have a new VAPID key made")
