"""The situation report: template, figures, gaps, unknown keys, Word, Excel, the command."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cadre_portal.dashboards import default_report, report
from cadre_portal.dashboards.models import ReportTemplate
from cadre_portal.figures import compute, periods
from reserves.tests.figures_world import build as reserves_world


@pytest.fixture
def world(personas):
    reserves_world(personas)
    return personas


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_default_template_states_every_numeric_blank_of_the_seed():
    keys = {m.group(1) for m in report.PLACEHOLDER.finditer(default_report.BODY) if "." in m.group(1)}
    assert set(report.SEED_FIGURES) <= keys


def test_the_default_template_follows_the_seeds_three_parts_and_fifteen_sections():
    lines = default_report.BODY.splitlines()
    assert len([l for l in lines if l.startswith("## ")]) == 3
    assert len([l for l in lines if l.startswith("### ")]) == 15


def test_the_default_template_is_seeded_by_migration(db):
    assert ReportTemplate.objects.get(is_default=True).body == default_report.BODY


def test_figures_are_filled_for_the_scope_and_linked(world):
    period = periods.preset(periods.THREE_YEARS)
    result = report.build("选拔任用{reserves.appointed}人。", user=world.county_staff, period=period)
    figure = result.blocks[0].parts[1]
    assert figure.text == compute.value("reserves.appointed", world.county_staff, period).text == "2"
    assert figure.url.startswith("/figures/reserves.appointed/")


def test_the_county_name_comes_from_the_region_tree(world):
    result = report.build("# {county}委组织部", user=world.county_staff, period=periods.preset(periods.THIS_YEAR))
    assert result.title == "崇阳县委组织部"


def test_a_figure_without_a_data_source_is_marked_never_invented(world):
    result = report.build("{retention.retained}", user=world.county_staff, period=periods.preset(periods.THIS_YEAR))
    part = result.blocks[0].parts[0]
    if part.state == report.NO_SOURCE:
        assert part.text == "【待补充：有意离开后被留下的干部（暂无数据来源）】"
    else:
        assert part.state in (report.OK, report.MISSING)


def test_a_figure_with_no_data_is_marked_for_the_writer(personas):
    result = report.build("{reserves.appointed}", user=personas.county_staff, period=periods.preset(periods.THIS_YEAR))
    part = result.blocks[0].parts[0]
    assert part.state == report.MISSING and part.text == "【待补充：选拔任用后备干部（暂无数据）】"


def test_a_zero_over_real_data_is_a_fact_not_a_gap(world):
    past = periods.make_range(date(2020, 1, 1), date(2020, 12, 31))
    part = report.build("{reserves.appointed}", user=world.county_staff, period=past).blocks[0].parts[0]
    assert (part.state, part.text) == (report.OK, "0")


def test_an_unknown_key_is_reported_and_the_rest_still_generated(world):
    result = report.build("# 标题\n共{reserves.apointed}人，任用{reserves.appointed}人。", user=world.county_staff,
                          period=periods.preset(periods.THREE_YEARS))
    texts = [p.text if not isinstance(p, str) else p for p in result.blocks[1].parts]
    assert texts == ["共", "【未知指标：reserves.apointed】", "人，任用", "2", "人。"]
    assert result.problems == ["模板中的指标“reserves.apointed”不存在，请检查拼写（可用指标见指标说明）；报告其余部分已照常生成。"]


def test_a_figure_may_name_its_own_period(world):
    result = report.build("{reserves.appointed@this_year}/{reserves.appointed}", user=world.county_staff,
                          period=periods.preset(periods.THREE_YEARS))
    assert [p.text for p in result.blocks[0].parts if not isinstance(p, str)] == ["1", "2"]


def test_the_report_page_links_every_number(world, login):
    html = login(world.county_staff).get("/dashboards/report/?period=three_years").content.decode()
    assert 'data-testid="report-paper"' in html
    assert 'href="/figures/reserves.appointed/?period=three_years"' in html


def test_the_report_page_says_which_figures_are_missing(personas, login):
    html = login(personas.county_staff).get("/dashboards/report/").content.decode()
    assert 'data-testid="report-gaps"' in html and "待补充" in html


def test_an_unknown_key_in_the_edited_template_is_said_plainly_on_the_page(world, login):
    ReportTemplate.objects.filter(is_default=True).update(body="# 标题\n任用{reserves.nothing}人，{reserves.appointed}人。")
    html = login(world.county_staff).get("/dashboards/report/?period=three_years").content.decode()
    assert "模板中的指标“reserves.nothing”不存在" in html
    assert "【未知指标：reserves.nothing】" in html and ">2</a>" in html


def test_the_word_document_opens_and_carries_the_numbers(world, login):
    response = login(world.county_staff).get("/dashboards/report/?period=three_years&format=docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = _text(document)
    assert document.paragraphs[0].text == "崇阳县委组织部关于干部人才梯队建设情况的汇报"
    assert "共选拔任用后备干部2人" in text


def test_the_figures_export_is_one_sheet_with_period_scope_and_time(world, login):
    response = login(world.county_staff).get("/dashboards/report/?period=three_years&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:8] == ("序号", "指标", "指标代码", "数值", "单位", "统计期间", "数据范围", "生成时间")
    appointed = next(r for r in rows if r[2] == "reserves.appointed")
    assert (appointed[3], appointed[4], appointed[6]) == (2, "人", "崇阳县")
    assert "近三年" in appointed[5]


def test_a_township_officer_gets_no_report(world, login):
    assert login(world.officer_a).get("/dashboards/report/").status_code == 403


def test_the_command_writes_a_word_document(world, tmp_path):
    out = tmp_path / "report.docx"
    call_command("situation_report", "--from", "2024-01-01", "--to", "2026-12-31", "--out", str(out))
    text = _text(docx.Document(str(out)))
    assert text.startswith("崇阳县委组织部") and "共选拔任用后备干部2人" in text


def test_the_command_takes_a_region(world, tmp_path):
    out = tmp_path / "report.docx"
    call_command("situation_report", "--from", "2024-01-01", "--to", "2026-12-31", "--out", str(out), "--region", "421223101")
    text = _text(docx.Document(str(out)))
    assert text.startswith("沙坪镇委组织部") and "共选拔任用后备干部1人" in text


def test_the_command_refuses_a_period_ending_before_it_starts(world, tmp_path):
    with pytest.raises(CommandError, match="早于开始日期"):
        call_command("situation_report", "--from", "2026-01-01", "--to", "2024-01-01", "--out", str(tmp_path / "r.docx"))
    assert not (tmp_path / "r.docx").exists()


def test_the_command_refuses_an_unknown_region(world, tmp_path):
    with pytest.raises(CommandError, match="区划代码“999”不存在"):
        call_command("situation_report", "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(tmp_path / "r.docx"), "--region", "999")
