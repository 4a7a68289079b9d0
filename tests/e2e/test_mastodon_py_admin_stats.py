"""Mastodon.py against a real `roost serve`: the admin dashboard's measures, dimensions
and retention, and reviewing trending hashtags (a role from `roost users role`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_admin_stats")) as s:
        yield s


def client(server: Server, name: str, scopes: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", scopes).strip().split()[-1]
    return Mastodon(access_token=token, api_base_url=server.url)


def test_dashboard_figures_and_trends_review(server: Server) -> None:
    ana = client(server, "ana", "read write")
    ben = client(server, "ben", "read write")
    mod = client(server, "mod", "read write admin:read admin:write")
    server.cli("users", "role", "mod", "moderator")
    ana.status_post("Hello #roostcats")
    ben.status_post("Me too #roostcats")
    now = datetime.now(UTC)
    start, end = now - timedelta(days=6), now

    # admin_measures
    measures = mod.admin_measures(start, end, new_users=True, active_users=True,
                                  interactions=True, opened_reports=True)  # fmt: skip
    by_key = {m.key: m for m in measures}
    assert set(by_key) == {"new_users", "active_users", "interactions", "opened_reports"}
    # Mastodon.py reads the figures, strings on the wire, as numbers.
    assert str(by_key["new_users"].total) == "3"
    assert len(by_key["new_users"].data) == 7
    assert str(by_key["new_users"].data[-1].value) == "3"
    assert str(by_key["opened_reports"].total) == "0"
    with pytest.raises(MastodonAPIError):
        ana.admin_measures(start, end, new_users=True)  # no admin scope: 403

    # admin_dimensions
    dimensions = mod.admin_dimensions(start, end, software_versions=True, space_usage=True,
                                      languages=True)  # fmt: skip
    found = {d.key: {row.key: row for row in d.data} for d in dimensions}
    assert "roost" in found["software_versions"]
    assert "python" in found["software_versions"]
    database = found["space_usage"].get("sqlite") or found["space_usage"]["postgresql"]
    assert int(database.value) > 0
    assert str(found["languages"]["en"].value) == "3"

    # admin_retention
    cohorts = mod.admin_retention(start, end)
    assert len(cohorts) == 7
    assert cohorts[-1].frequency == "day"
    assert str(cohorts[-1].data[0].value) == "3"
    assert cohorts[-1].data[0].rate == 1.0

    # admin_trending_tags, admin_approve_trending_tag, admin_reject_trending_tag
    tags = mod.admin_trending_tags()
    assert [t.name for t in tags] == ["roostcats"]
    assert tags[0].requires_review is True
    approved = mod.admin_approve_trending_tag(tags[0].id)
    assert (approved.name, approved.trendable, approved.requires_review) == (
        "roostcats", True, False
    )  # fmt: skip
    assert [t.name for t in ana.trending_tags()] == ["roostcats"]
    rejected = mod.admin_reject_trending_tag(tags[0].id)
    assert rejected.trendable is False
    assert ana.trending_tags() == []
    assert mod.admin_trending_statuses() == []
    assert mod.admin_trending_links() == []
    with pytest.raises(MastodonAPIError):
        ben.admin_trending_tags()
