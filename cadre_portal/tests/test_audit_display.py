"""The audit log reads in Chinese: every detail key, code and reference an entry carries."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cadre_portal import audit, audit_display
from cadre_portal.models import AuditEvent
from reserves import workflow as reserves_workflow
from reserves.models import Candidate, Transition
from reserves.tests import builders as rb

# Arguments of ``audit.record`` that are not details.
RECORD_ARGUMENTS = {"user", "summary", "request", "region", "username"}
APPS = ("cadre_portal", "reserves", "youth_cadres", "talents")


def _detail_keys_in_source() -> dict[str, str]:
    """Every keyword passed to ``cadre_portal.audit.record`` in the apps' code, with where."""
    found = {}
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imports_record = any(
                isinstance(node, ast.ImportFrom) and node.module == "cadre_portal.audit"
                and any(alias.name == "record" for alias in node.names)
                for node in ast.walk(tree)
            )
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                is_record = (isinstance(func, ast.Attribute) and func.attr == "record"
                             and isinstance(func.value, ast.Name) and func.value.id == "audit") or (
                    imports_record and isinstance(func, ast.Name) and func.id == "record")
                if not is_record:
                    continue
                for kw in node.keywords:
                    if kw.arg and kw.arg not in RECORD_ARGUMENTS:
                        found.setdefault(kw.arg, f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_every_detail_key_the_code_writes_has_a_chinese_label():
    keys = _detail_keys_in_source()
    assert {"action", "from_stage", "to_stage", "candidate", "registry"} <= set(keys)  # the walk finds them
    missing = {key: where for key, where in keys.items() if key not in audit_display.LABELS}
    assert missing == {}


@pytest.mark.parametrize("code,label", Transition.Action.choices)
def test_every_reserves_action_reads_as_its_verb(code, label):
    assert audit_display.lines({"candidate": 0, "action": code}, audit_display.Names())[1] == ("操作", label)


@pytest.mark.parametrize("code,label", Candidate.Stage.choices)
def test_every_reserves_stage_reads_as_its_name(code, label):
    lines = dict(audit_display.lines({"candidate": 0, "from_stage": "", "to_stage": code}, audit_display.Names()))
    assert lines["原阶段"] == "新建" and lines["新阶段"] == label


def _audit_page(login, user, **params) -> str:
    return login(user).get(reverse("audit_log"), params).content.decode()


def _detail_cells(html: str) -> str:
    return " ".join(re.findall(r'data-testid="audit-detail">(.*?)</td>', html, re.S))


def test_a_reserves_decision_shows_the_person_the_verb_and_the_stages(login, personas):
    c = rb.submitted(personas)
    reserves_workflow.file_nomination(candidate=c, by=personas.county_staff)
    cells = _detail_cells(_audit_page(login, personas.county_staff, kind="transition"))
    assert "后备干部：张伟（茅井村）" in cells
    assert "操作：审查备案通过，纳入培养序列" in cells
    assert "原阶段：待县委组织部审查备案" in cells or "原阶段：" + Candidate.Stage.SUBMITTED.label in cells
    assert "新阶段：" + Candidate.Stage.TRAINING.label in cells


def test_no_detail_shows_a_code_or_a_key(login, personas):
    c = rb.submitted(personas)
    reserves_workflow.file_nomination(candidate=c, by=personas.county_staff)
    reserves_workflow.withdraw(candidate=Candidate.objects.get(pk=c.pk), by=personas.county_staff, reason="本人申请")
    audit.record("export", user=personas.county_staff, summary="导出后备干部推荐名单 3 条",
                 registry="reserve_nominations", rows=3, masked=False,
                 filters={"stage": "training", "village": str(personas.tree.village_a1.pk)})
    audit.record("import", user=personas.county_staff, summary="导入后备干部推荐名单",
                 registry="reserve_nominations", file="名单.xlsx", created=2, updated=0, unchanged=1,
                 options={"stage": "training", "note": "2024年名册"})
    audit.record("import", user=personas.county_staff, summary="导入失败", registry="reserve_nominations",
                 file="名单.xlsx", error="internal error")
    cells = _detail_cells(_audit_page(login, personas.county_staff))
    assert not re.search(r"[A-Za-z_]{3,}", re.sub(r"<[^>]+>|\.xlsx", "", cells))
    assert "数据项：后备干部推荐名单" in cells
    # PostgreSQL's jsonb keeps keys in its own order (shorter first): the options' order is not asserted.
    assert "导入选项：" in cells and "导入后所处阶段：" + Candidate.Stage.TRAINING.label in cells and "导入说明（数据来源）：2024年名册" in cells
    assert "身份证号码脱敏：否" in cells
    assert "筛选条件：阶段：" + Candidate.Stage.TRAINING.label + "；村（社区）：茅井村" in cells
    assert "错误：系统内部错误" in cells


def test_talent_and_bank_entries_read_with_their_own_verbs_and_states(login, personas):
    from talents import workflow as talents_workflow
    from talents.models import Talent
    from talents.tests import builders as tb

    t = tb.talent(personas, "education")
    talents_workflow.change_talent_status(talent_pk=t.pk, action="retire", on=date.today(), by=personas.officer_of("education"))
    cells = _detail_cells(_audit_page(login, personas.admin, kind="transition"))
    assert f"人才：{t.name}" in cells
    assert "操作：退休" in cells
    assert f"原状态：{Talent.Status(t.status).label}" in cells and f"新状态：{Talent.Status.RETIRED.label}" in cells


def test_a_bank_decision_reads_as_the_bank_verb(login, personas, unit_contacts):
    from youth_cadres.tests.builders import bank_member, make_cadre

    cadre = make_cadre(unit_contacts.unit_a)
    bank_member(cadre, personas.county_staff, status="inspecting")
    cells = _detail_cells(_audit_page(login, personas.county_staff, kind="transition"))
    assert f"干部：{cadre.name}" in cells
    assert "操作：启动考察" in cells and "原状态：推荐" in cells and "新状态：考察" in cells


def test_a_management_command_entry_names_the_system_not_an_account(login, personas):
    audit.record(AuditEvent.Kind.OTHER, user=None, username="check_reserves_ledger", summary="按出勤记录更正学时台账 1 人",
                 count=1, candidates=[])
    html = _audit_page(login, personas.admin)
    assert "系统（后备干部学时台账核对）" in html and ">check_reserves_ledger<" not in html


def test_an_unknown_key_is_shown_as_other_information_not_as_its_code(personas):
    assert audit_display.lines({"unheard_of": "值"}, audit_display.Names()) == [("其他信息", "值")]


def test_the_audit_page_takes_as_many_queries_for_fifty_entries_as_for_one(login, personas, django_assert_max_num_queries):
    people = [rb.draft(personas, inspected=False, name=f"张{'一二三四五六七八九十'[i % 10]}") for i in range(2)]
    client = login(personas.county_staff)
    AuditEvent.objects.all().delete()

    def write(n):
        for i in range(n):
            audit.record(AuditEvent.Kind.TRANSITION, user=personas.county_staff, region=people[0].village,
                         summary="填报推荐", candidate=people[i % 2].pk, action="nominate", from_stage="", to_stage="draft")

    write(1)
    client.get(reverse("audit_log"))  # warm the session and caches
    with django_assert_max_num_queries(50) as one:
        client.get(reverse("audit_log"))
    write(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("audit_log")).content.decode()
    assert html.count("操作：填报推荐") == 50


def test_before_and_after_read_as_labels_and_values(personas):
    changes = {"发展入党": {"before": "", "after": "预备党员（2025年07月01日）"}, "政治面貌": {"before": "群众", "after": "中共预备党员"}}
    assert dict(audit_display.lines({"changes": changes}, audit_display.Names()))["变更内容"] == (
        "发展入党：未设 → 预备党员（2025年07月01日）；政治面貌：群众 → 中共预备党员")
    regions = [{"region": "天城镇", "before": None, "after": "2026-10-01"}]
    assert dict(audit_display.lines({"changes": regions}, audit_display.Names()))["变更内容"] == "天城镇：未设 → 2026-10-01"
