"""Web Push on the wire: checking a subscription's keys, encrypting a payload for them
(http_ece) and signing the request with the instance's VAPID key (py_vapid).

Two forms, as Mastodon 4.4+ sends them: a subscription made with `standard: true` gets
RFC 8291 `aes128gcm` and RFC 8292 `vapid t=…,k=…`; any other gets the drafts Mastodon
always used, `aesgcm` with `Encryption: salt=…` and `Crypto-Key: dh=…;p256ecdsa=…` and a
`WebPush <jwt>` authorization (what Mastodon.py's push_subscription_decrypt_push and
older apps decrypt).
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import http_ece  # type: ignore[import-untyped]  # http_ece ships no type hints
import py_vapid  # type: ignore[import-untyped]  # py_vapid ships no type hints
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from roost.push.vapid import b64url, b64url_decode, private_key

# Mastodon's Web::PushNotificationWorker: kept 48 hours by the push service, normal urgency.
TTL = str(48 * 3600)
URGENCY = "normal"
JWT_LIFETIME = 12 * 3600  # RFC 8292 allows at most 24 hours; Mastodon signs for 12


def check_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The subscription's keys in base64url, or ValueError saying what is wrong with them:
    `p256dh` must be an uncompressed point on P-256 (65 bytes), `auth` 16 bytes."""
    try:
        point = b64url_decode(p256dh)
    except ValueError as exc:
        raise ValueError("subscription[keys][p256dh] is not base64") from exc
    if len(point) != 65 or point[0] != 4:
        raise ValueError("subscription[keys][p256dh] must be an uncompressed P-256 point")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as exc:
        raise ValueError("subscription[keys][p256dh] is not a point on the P-256 curve") from exc
    try:
        secret = b64url_decode(auth)
    except ValueError as exc:
        raise ValueError("subscription[keys][auth] is not base64") from exc
    if len(secret) != 16:
        raise ValueError("subscription[keys][auth] must be 16 bytes")
    return b64url(point), b64url(secret)


def encrypt(
    payload: bytes, *, p256dh: str, auth: str, standard: bool
) -> tuple[bytes, dict[str, str]]:
    """The encrypted body and its encoding headers, for the subscription's keys."""
    sender = ec.generate_private_key(ec.SECP256R1())  # one key per message, as RFC 8291
    receiver = b64url_decode(p256dh)
    secret = b64url_decode(auth)
    salt = os.urandom(16)
    if standard:
        body: bytes = http_ece.encrypt(
            payload, salt=salt, private_key=sender, dh=receiver, auth_secret=secret,
            version="aes128gcm",
        )  # fmt: skip
        return body, {"Content-Encoding": "aes128gcm"}
    body = http_ece.encrypt(
        payload, salt=salt, private_key=sender, dh=receiver, auth_secret=secret,
        keylabel="P-256", version="aesgcm",
    )  # fmt: skip
    sender_public = sender.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return body, {
        "Content-Encoding": "aesgcm",
        "Encryption": f"salt={b64url(salt)}",
        "Crypto-Key": f"dh={b64url(sender_public)}",
    }


def vapid_headers(
    endpoint: str, *, vapid_private_key: str, subject: str, standard: bool
) -> dict[str, str]:
    """The VAPID authorization for a push to `endpoint` (its origin is the audience)."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "sub": subject,
        "exp": int(time.time()) + JWT_LIFETIME,
    }
    # Not strict: `sub` may be the instance's URL, which py_vapid wants without a port.
    conf = {"no-strict": True}
    key = private_key(vapid_private_key)
    if standard:
        signed: dict[str, str] = py_vapid.Vapid02(key, conf=conf).sign(claims)
        return {"Authorization": signed["Authorization"]}
    signed = py_vapid.Vapid01(key, conf=conf).sign(claims)
    return {"Authorization": signed["Authorization"], "Crypto-Key": signed["Crypto-Key"]}


def push_headers(
    endpoint: str,
    *,
    encoding: dict[str, str],
    vapid_private_key: str,
    subject: str,
    standard: bool,
) -> dict[str, str]:
    """All the headers of one push: encoding, VAPID, TTL and urgency (the legacy form puts
    the sender's `dh` and the VAPID `p256ecdsa` in one Crypto-Key header)."""
    vapid = vapid_headers(
        endpoint, vapid_private_key=vapid_private_key, subject=subject, standard=standard
    )
    headers = {
        "Content-Type": "application/octet-stream",
        "TTL": TTL,
        "Urgency": URGENCY,
        **encoding,
        "Authorization": vapid["Authorization"],
    }
    if not standard:
        headers["Crypto-Key"] = f"{encoding['Crypto-Key']};{vapid['Crypto-Key']}"
    return headers
