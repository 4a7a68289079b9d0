"""The subscription's access token, kept encrypted with a key derived from the instance's
secret key (the tokens table keeps only hashes; the push payload needs the token)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"roost push access token\x00" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, token: str) -> str:
    return _fernet(secret_key).encrypt(token.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str:
    """The token, or "" if it was sealed with another secret key."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""
