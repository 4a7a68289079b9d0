"""Staff for the blocks tests: the moderation tests' moderator and owner, with admin scopes."""

from tests.moderation.conftest import moderator, owner

__all__ = ["moderator", "owner"]
