"""The instance's rules: what sign-ups agree to and reports of violations cite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from roost.db import Database, Transaction
from roost.db.prepared import any_of
from roost.errors import Invalid, NotFound
from roost.moderation.audit import record
from roost.moderation.entities import Rule
from roost.moderation.staff import Staff, check_can
from roost.moderation.tables import rules
from roost.timeutil import utcnow

MAX_TEXT = 300
MAX_HINT = 1000

_CURRENT = (
    sa.select(rules.c.id, rules.c.text, rules.c.hint)
    .where(rules.c.deleted_at.is_(None))
    .order_by(rules.c.position, rules.c.id)
)
_BY_ID = sa.select(rules.c.id, rules.c.text, rules.c.hint).where(any_of(rules.c.id, "ids"))


def rule_entity(row: Any) -> Rule:
    return Rule(id=str(row.id), text=row.text, hint=row.hint)


async def current_rules(db: Database) -> list[Rule]:
    """The rules in force, in their order (one query)."""
    return [rule_entity(row) for row in await db.fetch_all(_CURRENT)]


async def rules_by_id(db: Database, ids: Sequence[int]) -> dict[int, Rule]:
    """Rules by id, removed ones included (reports cite them) (one query)."""
    if not ids:
        return {}
    return {row.id: rule_entity(row) for row in await db.fetch_all(_BY_ID, {"ids": list(ids)})}


async def check_rule_ids(tx: Transaction, ids: Sequence[int]) -> list[int]:
    """`ids` without repeats, all of them rules in force; Invalid otherwise."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = set(
        await tx.scalars(
            sa.select(rules.c.id).where(any_of(rules.c.id, "ids"), rules.c.deleted_at.is_(None)),
            {"ids": wanted},
        )
    )
    if any(i not in found for i in wanted):
        raise Invalid("Rule ids contain a rule that does not exist")
    return wanted


async def do_add_rule(db: Database, actor: Staff, text: str, hint: str = "") -> int:
    """Add a rule at the end of the list (`manage_rules`); its id."""
    check_can(actor, "manage_rules")
    text, hint = text.strip(), hint.strip()
    if not text:
        raise Invalid("Text can't be blank")
    if len(text) > MAX_TEXT:
        raise Invalid(f"Text is too long (maximum is {MAX_TEXT} characters)")
    if len(hint) > MAX_HINT:
        raise Invalid(f"Hint is too long (maximum is {MAX_HINT} characters)")
    async with db.transaction() as tx:
        last = await tx.scalar(sa.select(sa.func.max(rules.c.position)))
        rule_id = int(
            await tx.scalar(
                rules.insert()
                .values(text=text, hint=hint, position=(last or 0) + 1, created_at=utcnow())
                .returning(rules.c.id)
            )
        )
        await record(tx, actor.account_id, "create_rule", "Rule", rule_id, text)
    return rule_id


async def do_remove_rule(db: Database, actor: Staff, rule_id: int) -> None:
    """Take a rule out of force (`manage_rules`); reports citing it keep it."""
    check_can(actor, "manage_rules")
    async with db.transaction() as tx:
        result = await tx.execute(
            rules.update()
            .where(rules.c.id == rule_id, rules.c.deleted_at.is_(None))
            .values(deleted_at=utcnow())
        )
        if not result.rowcount:
            raise NotFound()
        await record(tx, actor.account_id, "destroy_rule", "Rule", rule_id)
