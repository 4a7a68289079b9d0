"""One account renderer per instance: account entities with the instance's base URL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from roost.accounts.entities import Account, CredentialAccount
from roost.accounts.queries import account_entity, render_accounts, render_credential_account
from roost.db import Database


class AccountRenderer:
    """Renders accounts for the instance's database and base URL. Accounts not shown
    (suspended, awaiting approval) are left out of every list."""

    def __init__(self, db: Database, base_url: str) -> None:
        self.db = db
        self.base_url = base_url

    def entity(self, row: Any) -> Account:
        """The entity of an accounts row the caller already read (and may show)."""
        return account_entity(row, self.base_url)

    async def by_id(self, ids: Iterable[int]) -> dict[int, Account]:
        """The shown ones of `ids`, by id (one query)."""
        return await render_accounts(self.db, ids, self.base_url)

    async def listed(self, ids: list[int]) -> list[Account]:
        """The shown ones of `ids`, in that order, once each (one query)."""
        rendered = await self.by_id(ids)
        return [rendered[i] for i in dict.fromkeys(ids) if i in rendered]

    async def credential(self, account_id: int) -> CredentialAccount:
        """The viewer's own account with `source` (verify_credentials, update_credentials)."""
        return await render_credential_account(self.db, account_id, self.base_url)
