"""Mastodon.py against a real `roost serve`: instance rules, a report, and the
moderators' admin API on it (rules from `roost rules add`, a role from `roost users role`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.e2e.server import Server, roost_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with roost_server(tmp_path_factory.mktemp("mastodon_py_reports")) as s:
        yield s


def client(server: Server, name: str, scopes: str) -> Mastodon:
    server.cli("users", "create", name, "--email", f"{name}@example.com")
    token = server.cli("tokens", "create", name, "--scopes", scopes).strip().split()[-1]
    return Mastodon(access_token=token, api_base_url=server.url)


def test_report_and_its_handling(server: Server) -> None:
    server.cli("rules", "add", "Be kind", "--hint", "No harassment.")
    ana = client(server, "ana", "read write")
    ben = client(server, "ben", "read write")
    mod = client(server, "mod", "read write admin:read admin:write")
    server.cli("users", "role", "mod", "moderator")

    # instance_rules
    rules = ana.instance_rules()
    assert [(r.text, r.hint) for r in rules] == [("Be kind", "No harassment.")]

    # report
    post = ben.status_post("rude words")
    me = ben.account_verify_credentials()
    report = ana.report(
        me.id, status_ids=[post.id], comment="rude", category="violation", rule_ids=[rules[0].id]
    )
    assert report.target_account.id == me.id
    assert report.category == "violation"
    assert report.action_taken is False
    assert [str(i) for i in report.status_ids] == [str(post.id)]
    with pytest.raises(MastodonAPIError):
        ana.report(ana.account_verify_credentials().id)  # oneself: 422

    # admin_reports
    with pytest.raises(MastodonAPIError):
        ana.admin_reports()  # no admin scope: 403
    found = mod.admin_reports()
    assert [r.id for r in found] == [report.id]
    assert found[0].account.username == "ana"
    assert [s.content for s in found[0].statuses] == ["<p>rude words</p>"]
    assert mod.admin_report(report.id).target_account.username == "ben"
    assert mod.admin_report_assign(report.id).assigned_account.username == "mod"
    assert mod.admin_report_unassign(report.id).assigned_account is None

    # admin_report_resolve
    resolved = mod.admin_report_resolve(report.id)
    assert resolved.action_taken is True
    assert resolved.action_taken_by_account.username == "mod"
    assert mod.admin_reports() == []
    assert [r.id for r in mod.admin_reports(resolved=True)] == [report.id]
    assert mod.admin_report_reopen(report.id).action_taken is False
