"""The runbook keeps up with the code: every alert rule, metric, readiness check and
doctor finding has its entry in docs/operations.md, and every alert rule reads metrics
that Roost serves."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families

from roost.app import create_app
from roost.instance import Roost
from roost.monitoring.health import readiness
from roost.ops.doctor import examine
from roost.ops.findings import Subject
from tests.api.test_statuses import post
from tests.conftest import User, variant

DOCS = Path(__file__).parents[2] / "docs"
RUNBOOK = (DOCS / "operations.md").read_text()


def _alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((DOCS / "prometheus-alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _entry(name: str) -> bool:
    """`name` starts a row of one of the runbook's tables."""
    return re.search(rf"^\| `{re.escape(name)}(?:\{{[^`]*\}})?`", RUNBOOK, re.M) is not None


async def _served_metrics(client: httpx.AsyncClient, alice: User, roost: Roost) -> set[str]:
    """The names of the metric families /metrics serves (after some traffic, so that every
    labelled family has a sample, and with scheduled backups on), with the sample names
    (`_total`, `_bucket`) too."""
    await post(client, alice, "runbook")
    await client.get("/api/v1/timelines/home", headers=alice.auth)
    with tempfile.TemporaryDirectory() as backups:
        async with variant(roost, backup_dir=Path(backups)) as instance:
            app = create_app(instance.settings, instance)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                text = (await http.get("/metrics")).text
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names |= {sample.name for sample in family.samples}
    return names


def test_every_alert_has_a_runbook_entry() -> None:
    rules = _alert_rules()
    assert len(rules) >= 10
    for rule in rules:
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in ("page", "ticket")
        assert _entry(rule["alert"]), f"no runbook entry for the alert {rule['alert']}"


async def test_alerts_read_metrics_that_roost_serves(
    client: httpx.AsyncClient, alice: User, roost: Roost
) -> None:
    served = await _served_metrics(client, alice, roost)
    for rule in _alert_rules():
        for metric in re.findall(r"\broost_\w+", rule["expr"]):
            sqlite_only = metric == "roost_sqlite_wal_bytes"
            assert metric in served or sqlite_only, f"{rule['alert']} reads {metric}"


async def test_every_metric_served_is_in_the_runbook(
    client: httpx.AsyncClient, alice: User, roost: Roost
) -> None:
    served = await _served_metrics(client, alice, roost)
    families = {n for n in served if n.startswith("roost_")}
    documented = set(re.findall(r"^\| `(roost_\w+)", RUNBOOK, re.M))
    for name in families:
        base = re.sub(r"_(total|bucket|count|sum|created)$", "", name)
        assert name in documented or base in documented or f"{base}_total" in documented, name


async def test_every_readiness_check_and_doctor_finding_is_in_the_runbook(
    roost: Roost,
) -> None:
    checks = await readiness(roost.db, roost.settings.data_dir, roost.backends.redis)
    for name in checks:
        assert _entry(name), f"no runbook entry for the readiness check {name}"
    subject = Subject(roost.settings, roost.db, roost.backends.feeds, roost.backends.redis)
    found = {finding.check for finding in await examine(subject)} | {"config"}
    assert {"database", "disk", "job_backlog", "dead_jobs", "feeds"} <= found
    for name in found:
        assert _entry(name), f"no runbook entry for the doctor check {name}"
