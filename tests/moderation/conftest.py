"""Staff for the moderation tests: a moderator and an admin with admin-scoped tokens."""

from __future__ import annotations

import pytest

from roost.accounts.staff import do_set_role
from roost.instance import Roost
from roost.moderation.rules import do_add_rule
from roost.moderation.staff import Staff
from tests.conftest import MakeUser, User

ADMIN_SCOPES = "read write follow admin:read admin:write"


@pytest.fixture
async def moderator(roost: Roost, make_user: MakeUser) -> User:
    user = await make_user("mod", scopes=ADMIN_SCOPES)
    await do_set_role(roost.db, user.id, "moderator")
    return user


@pytest.fixture
async def owner(roost: Roost, make_user: MakeUser) -> User:
    user = await make_user("boss", scopes=ADMIN_SCOPES)
    await do_set_role(roost.db, user.id, "owner")
    return user


@pytest.fixture
async def rule_ids(roost: Roost, owner: User) -> list[int]:
    actor = Staff(owner.id, "owner")
    return [
        await do_add_rule(roost.db, actor, "Be kind", "No harassment."),
        await do_add_rule(roost.db, actor, "No spam"),
    ]
