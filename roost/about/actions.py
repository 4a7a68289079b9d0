"""Admins' writes to the instance's texts: the extended description, the privacy policy
and the terms of service (each Markdown)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from roost.about.tables import instance_texts, terms_of_service
from roost.db import Database
from roost.errors import Invalid
from roost.ids import new_id
from roost.timeutil import utcnow

TEXTS = ("extended_description", "privacy_policy")
MAX_TEXT = 100_000  # characters of Markdown; a policy is long, not a book


def _check(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise Invalid(f"Text is too long (maximum is {MAX_TEXT} characters)")
    return text.strip()


async def do_set_texts(
    db: Database, texts: Mapping[str, str], terms: tuple[str, date] | None = None
) -> None:
    """In one transaction: set each of `texts` (`extended_description`, `privacy_policy`;
    blank: back to none, or to the default policy) and, with `terms` (text, the date it
    takes effect), the terms of service of that date (blank: that version removed)."""
    if unknown := set(texts) - set(TEXTS):
        raise ValueError(f"unknown instance texts {sorted(unknown)}")
    checked = {name: _check(text) for name, text in texts.items()}
    terms_text = _check(terms[0]) if terms else ""
    now = utcnow()
    async with db.transaction() as tx:
        for name, text in checked.items():
            await tx.execute(instance_texts.delete().where(instance_texts.c.name == name))
            if text:
                await tx.execute(
                    instance_texts.insert(), [{"name": name, "text": text, "updated_at": now}]
                )
        if terms is None:
            return
        effective = terms[1]
        await tx.execute(
            terms_of_service.delete().where(terms_of_service.c.effective_date == effective)
        )
        if terms_text:
            await tx.execute(
                terms_of_service.insert(),
                [{"id": new_id(), "text": terms_text, "effective_date": effective,
                  "created_at": now, "updated_at": now}],
            )  # fmt: skip
