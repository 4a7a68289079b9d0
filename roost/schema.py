"""Imports every domain's tables so that `metadata` knows them all (migrations, tests)."""

from roost.about import tables as about_tables
from roost.accounts import tables as accounts_tables
from roost.announcements import tables as announcements_tables
from roost.blocks import tables as blocks_tables
from roost.cards import tables as cards_tables
from roost.conversations import tables as conversations_tables
from roost.db.metadata import metadata
from roost.emojis import tables as emojis_tables
from roost.feeds import tables as feeds_tables
from roost.filters import tables as filters_tables
from roost.graph import tables as graph_tables
from roost.jobs import tables as jobs_tables
from roost.lists import tables as lists_tables
from roost.maintenance import tables as maintenance_tables
from roost.media import tables as media_tables
from roost.moderation import tables as moderation_tables
from roost.notifications import tables as notifications_tables
from roost.oauth import tables as oauth_tables
from roost.ops import tables as ops_tables
from roost.polls import tables as polls_tables
from roost.portability import tables as portability_tables
from roost.push import tables as push_tables
from roost.scheduled import tables as scheduled_tables
from roost.security import tables as security_tables
from roost.statuses import tables as statuses_tables
from roost.tags import tables as tags_tables
from roost.timelines import tables as timelines_tables
from roost.trends import tables as trends_tables

__all__ = [
    "about_tables",
    "accounts_tables",
    "announcements_tables",
    "blocks_tables",
    "cards_tables",
    "conversations_tables",
    "emojis_tables",
    "feeds_tables",
    "filters_tables",
    "graph_tables",
    "jobs_tables",
    "lists_tables",
    "maintenance_tables",
    "media_tables",
    "metadata",
    "moderation_tables",
    "notifications_tables",
    "oauth_tables",
    "ops_tables",
    "polls_tables",
    "portability_tables",
    "push_tables",
    "scheduled_tables",
    "security_tables",
    "statuses_tables",
    "tags_tables",
    "timelines_tables",
    "trends_tables",
]
