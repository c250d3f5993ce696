"""deploy/ describes what docs/OPERATIONS.md promises: two or more web nodes behind nginx,
which lets every upload the portal accepts through, and workers on their own units."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"


def nginx() -> str:
    return (DEPLOY / "nginx" / "cadre-portal.conf").read_text(encoding="utf-8")


def megabytes(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1 / 2**20, "k": 1 / 1024, "m": 1, "g": 1024}[unit.lower()]


def test_nginx_balances_two_or_more_web_nodes():
    upstream = re.search(r"upstream cadre_portal \{(.*?)\}", nginx(), re.S).group(1)
    assert len(re.findall(r"^\s*server\s+\S+", upstream, re.M)) >= 2


def test_nginx_lets_the_largest_accepted_upload_through():
    from cadre_portal.documents.imports import max_upload_bytes as lrmx_limit
    from cadre_portal.excel.reading import max_bytes as excel_limit

    body = megabytes(re.search(r"client_max_body_size\s+(\w+);", nginx()).group(1))
    assert body * 2**20 > max(excel_limit(), lrmx_limit())


def test_workers_and_web_nodes_have_their_own_units_and_one_beat():
    units = {p.name for p in (DEPLOY / "systemd").glob("*.service")}
    assert {"cadre-portal-web.service", "cadre-portal-worker.service", "cadre-portal-beat.service"} <= units
    worker = (DEPLOY / "systemd" / "cadre-portal-worker.service").read_text(encoding="utf-8")
    assert "--hostname worker@%H" in worker  # one name per host: two hosts are two workers
