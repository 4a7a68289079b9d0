"""What a block names, checked and put in its one stored form: domains (lowercase, IDNA),
IP ranges (normalised CIDR), and canonical email addresses and their hashes."""

from __future__ import annotations

import hashlib
import ipaddress
import re

from roost.errors import Invalid

MAX_DOMAIN = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def clean_domain(value: str) -> str:
    """A domain as stored: trimmed, lowercase, punycode, no trailing dot; 422 for anything
    that is not a host name (a URL, an address with `@`, spaces, empty labels)."""
    text = value.strip().lower().rstrip(".")
    try:
        text = text.encode("idna").decode("ascii") if text and not text.isascii() else text
    except UnicodeError as exc:
        raise Invalid("Domain is not a valid domain name") from exc
    labels = text.split(".")
    if not text or len(text) > MAX_DOMAIN or not all(_LABEL.match(part) for part in labels):
        raise Invalid("Domain is not a valid domain name")
    return text


def parent_domains(domain: str) -> list[str]:
    """The domain and each domain it belongs to: a.b.example.com → a.b.example.com,
    b.example.com, example.com, com (a block on any of them covers it)."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def clean_network(value: str) -> IpNetwork:
    """An address or CIDR range (`203.0.113.5`, `10.0.0.0/8`, `2001:db8::/32`); host bits
    are dropped, as PostgreSQL's inet does for Mastodon. 422 for anything else."""
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError as exc:
        raise Invalid("Ip is invalid") from exc


def client_address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A client's address as blocks compare it (an IPv4-mapped IPv6 address as IPv4);
    None for anything else (`unknown`, a unix socket's peer)."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def canonical_email(email: str) -> str:
    """Mastodon's EmailHelper#email_to_canonical_email: lowercase; in the local part, dots
    dropped and anything from the first `+` on dropped (for every domain)."""
    local, _, domain = email.strip().lower().partition("@")
    local = local.replace(".", "").split("+", 1)[0]
    return f"{local}@{domain}"


def canonical_email_hash(email: str) -> str:
    """SHA-256 hex of the canonical address, as Mastodon stores its canonical blocks."""
    return hashlib.sha256(canonical_email(email).encode()).hexdigest()


def clean_hash(value: str) -> str:
    """A canonical email hash given as is: 64 hex digits (lowercased); 422 otherwise."""
    text = value.strip().lower()
    if not _HASH.match(text):
        raise Invalid("Canonical email hash is invalid")
    return text


def domain_digest(domain: str) -> str:
    """Admin::DomainBlock.digest: the SHA-256 hex of the domain."""
    return hashlib.sha256(domain.encode()).hexdigest()
