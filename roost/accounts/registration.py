"""Creating local accounts: the operator's (CLI), and sign-ups through the API and the web
(with Mastodon's per-field validation errors). Reserved names and local-only email domains
are refused to sign-ups only: the operator makes `admin` with `admin@localhost`, as
Mastodon's own setup and client libraries' test suites do."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from roost.accounts.passwords import hash_password_async
from roost.accounts.roles import ADMIN_ROLES, ROLES
from roost.accounts.tables import accounts, users
from roost.blocks.signup import check_sign_up
from roost.db import Database, Transaction
from roost.errors import Invalid, RoostError
from roost.ids import new_id
from roost.oauth.actions import IssuedToken, issue_token
from roost.oauth.tables import apps
from roost.text.controls import clean_display_name
from roost.timeutil import utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]+$")


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# The operator may also give a domain with no dot (`admin@localhost`).
LOCAL_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+$")


LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "support", "help", "settings", "api", "oauth",
     "static", "about", "roost", "mastodon", "postmaster", "webmaster", "abuse", "security",
     "users", "tags", "explore", "public", "home", "notifications", "login", "logout",
     "signup", "auth", "well_known", "instance", "system"}
)  # fmt: skip


MAX_USERNAME = 30


MIN_PASSWORD = 8


MAX_PASSWORD = 72


MAX_EMAIL = 320


MAX_REASON = 1000


# (field, Mastodon error code, description): ("username", "ERR_TAKEN", "has already been taken")
FieldError = tuple[str, str, str]


class ValidationFailed(Invalid):
    """422 "Validation failed: Username has already been taken, ..." that also carries
    Mastodon's per-field `details`, which registration forms show beside each field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.details: dict[str, list[dict[str, str]]] = {}
        for name, code, description in errors:
            self.details.setdefault(name, []).append({"error": code, "description": description})
        super().__init__(
            ", ".join(f"{name.capitalize()} {description}" for name, _, description in errors)
        )


@dataclass(frozen=True)
class NewAccount:
    id: int
    username: str


@dataclass(frozen=True)
class SignedUp:
    """A sign-up's token, and whether the account waits for a moderator's approval."""

    token: IssuedToken
    pending: bool


def username_errors(username: str, *, reserved: bool = True) -> list[FieldError]:
    """Usernames: 1-30 letters, digits or underscores; not a reserved word (unless
    `reserved` is False: the operator's own accounts)."""
    if not username:
        return [("username", "ERR_BLANK", "can't be blank")]
    if len(username) > MAX_USERNAME:
        return [("username", "ERR_TOO_LONG", f"is too long (maximum is {MAX_USERNAME} characters)")]
    if not USERNAME_RE.match(username):
        return [("username", "ERR_INVALID", "must contain only letters, numbers and underscores")]
    if reserved and username.lower() in RESERVED_USERNAMES:
        return [("username", "ERR_RESERVED", "is reserved")]
    return []


def email_errors(email: str, *, local: bool = False) -> list[FieldError]:
    """Emails: something@domain.tld, at most 320 characters; with `local` (the operator's
    accounts) also something@host, a domain that only this network knows."""
    if not email:
        return [("email", "ERR_BLANK", "can't be blank")]
    valid = EMAIL_RE.match(email) or (local and LOCAL_EMAIL_RE.match(email))
    if len(email) > MAX_EMAIL or not valid:
        return [("email", "ERR_INVALID", "is invalid")]
    return []


def password_errors(password: str) -> list[FieldError]:
    """Passwords: 8-72 characters (Mastodon's limits)."""
    if not password:
        return [("password", "ERR_BLANK", "can't be blank")]
    if len(password) < MIN_PASSWORD:
        return [
            ("password", "ERR_TOO_SHORT", f"is too short (minimum is {MIN_PASSWORD} characters)")
        ]
    if len(password) > MAX_PASSWORD:
        return [("password", "ERR_TOO_LONG", f"is too long (maximum is {MAX_PASSWORD} characters)")]
    return []


def raise_if(errors: list[FieldError]) -> None:
    """ValidationFailed with every error, if there is one."""
    if errors:
        raise ValidationFailed(errors)


def check_username(username: str) -> None:
    """422 unless `username` is a valid, unreserved username."""
    raise_if(username_errors(username))


def check_password(password: str) -> None:
    """422 unless `password` has 8-72 characters."""
    raise_if(password_errors(password))


async def insert_account(
    tx: Transaction,
    *,
    username: str,
    email: str,
    password_hash: str,
    role: str | None = None,
    approved: bool = True,
    locale: str = "en",
    reason: str | None = None,
    locked: bool = False,
    display_name: str = "",
    sign_up_ip: str | None = None,
) -> NewAccount:
    """Insert a checked account and its user inside `tx`; 422 if the name or email is taken."""
    taken = await tx.fetch_all(
        sa.select(sa.literal("username").label("what"))
        .where(sa.exists().where(accounts.c.username_lower == username.lower()))
        .union_all(
            sa.select(sa.literal("email").label("what")).where(
                sa.exists().where(users.c.email_lower == email.lower())
            )
        )
    )
    raise_if([(row.what, "ERR_TAKEN", "has already been taken") for row in taken])
    now = utcnow()
    account_id = new_id()
    await tx.execute(
        accounts.insert().values(
            id=account_id,
            username=username,
            username_lower=username.lower(),
            display_name=clean_display_name(display_name),
            fields=[],
            locked=locked,
            # On Twitter public posts can be searched; one opts out in settings.
            indexable=True,
            created_at=now,
        )
    )
    await tx.execute(
        users.insert().values(
            account_id=account_id,
            email=email,
            email_lower=email.lower(),
            password_hash=password_hash,
            role=role,
            admin=role in ADMIN_ROLES,  # kept in step for readers from before roles
            approved=approved,
            locale=locale,
            reason=reason,
            sign_up_ip=sign_up_ip[:45] if sign_up_ip else None,
            created_at=now,
            last_active_at=now,
        )
    )
    return NewAccount(account_id, username)


async def do_create_account(
    db: Database,
    *,
    username: str,
    email: str,
    password: str,
    role: str | None = None,
    admin: bool = False,
    approved: bool = True,
    locale: str = "en",
    reason: str | None = None,
    locked: bool = False,
    display_name: str = "",
) -> NewAccount:
    """The operator's way to create a local account and its user, in one transaction, with
    a staff `role` (`admin` is short for role "admin"); 422 if the name or email is taken
    or breaks a rule. Reserved names and local-only email domains are allowed here."""
    email = email.strip()
    role = role or ("admin" if admin else None)
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    raise_if(
        username_errors(username, reserved=False)
        + email_errors(email, local=True)
        + password_errors(password)
    )
    password_hash = await hash_password_async(password)
    try:
        async with db.transaction() as tx:
            return await insert_account(
                tx,
                username=username,
                email=email,
                password_hash=password_hash,
                role=role,
                approved=approved,
                locale=locale,
                reason=reason,
                locked=locked,
                display_name=display_name,
            )
    except IntegrityError as exc:  # a concurrent sign-up won the race past our check
        raise ValidationFailed([("username", "ERR_TAKEN", "has already been taken")]) from exc


async def do_register(
    db: Database,
    *,
    username: str,
    email: str,
    password: str,
    agreement: bool,
    locale: str | None,
    reason: str | None,
    approval_required: bool,
    app_id: int | None,
    fallback_scopes: str,
    ip: str | None = None,
) -> SignedUp:
    """Sign up through the API (POST /api/v1/accounts): create the account and a token for
    it in one transaction. The token carries the app's registered scopes (`fallback_scopes`
    when the caller's token has no app). With `approval_required` the account waits for a
    moderator and its token does not work until then; `reason` is then required.

    The instance's blocks (roost.blocks) apply to the `email` and to the client's `ip`:
    they refuse the sign-up, or make it wait for approval (with no reason required)."""
    email = email.strip()
    reason = (reason or "").strip() or None
    locale = locale or "en"
    errors = username_errors(username) + email_errors(email) + password_errors(password)
    if not agreement:
        errors.append(("agreement", "ERR_ACCEPTED", "must be accepted"))
    if not LOCALE_RE.match(locale):
        errors.append(("locale", "ERR_INCLUSION", "is not included in the list"))
    if approval_required and reason is None:
        errors.append(("reason", "ERR_BLANK", "can't be blank"))
    if reason is not None and len(reason) > MAX_REASON:
        errors.append(
            ("reason", "ERR_TOO_LONG", f"is too long (maximum is {MAX_REASON} characters)")
        )
    raise_if(errors)
    verdict = await check_sign_up(db, email, ip)
    if verdict.ip_refused:
        raise RoostError("Sign-ups from your network are not allowed", status=422)
    raise_if(verdict.errors)
    pending = approval_required or verdict.approval
    password_hash = await hash_password_async(password)
    try:
        async with db.transaction() as tx:
            account = await insert_account(
                tx,
                username=username,
                email=email,
                password_hash=password_hash,
                approved=not pending,
                locale=locale,
                reason=reason,
                sign_up_ip=ip,
            )
            scopes = fallback_scopes
            if app_id is not None:
                app_scopes = await tx.scalar(sa.select(apps.c.scopes).where(apps.c.id == app_id))
                scopes = app_scopes or fallback_scopes
            token = await issue_token(tx, account_id=account.id, app_id=app_id, scopes=scopes)
            return SignedUp(token, pending)
    except IntegrityError as exc:  # a concurrent sign-up won the race past our check
        raise ValidationFailed([("username", "ERR_TAKEN", "has already been taken")]) from exc
