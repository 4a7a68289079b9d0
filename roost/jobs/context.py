"""What a job handler may use of its instance."""

from __future__ import annotations

from typing import Protocol

from roost.config import Settings
from roost.db import Database
from roost.feeds import FeedStore
from roost.outbound import Outbound
from roost.pubsub import PubSub


class JobContext(Protocol):
    """The parts of an instance a job runs with (roost.instance.Roost is one)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    @property
    def feeds(self) -> FeedStore: ...

    @property
    def list_feeds(self) -> FeedStore: ...

    @property
    def pubsub(self) -> PubSub: ...

    @property
    def outbound(self) -> Outbound: ...
