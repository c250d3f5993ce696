"""The form's conventions: months, ages, the 简历 lines, differences."""

from datetime import date

import pytest

from cadre_portal.documents.formdata import (
    FamilyRow,
    FormData,
    FormValueError,
    ResumeLine,
    age_at,
    differences,
    parse_assessments,
    parse_month,
    parse_resume,
    parse_rewards,
    render_assessments,
    render_resume,
    render_rewards,
)
from cadre_portal.documents.testing import sample_form


@pytest.mark.parametrize("text", ["199005", "19900517", "1990.05", "1990.5", "1990-05", "1990/5", "1990年5月", "1990.05.17", " 1990．05 "])
def test_a_month_is_read_in_every_way_offices_write_it(text):
    assert parse_month(text) == date(1990, 5, 1)


def test_an_empty_month_is_none():
    assert parse_month("  ") is None


@pytest.mark.parametrize("text", ["2023.13", "202313", "2023.00"])
def test_a_month_that_does_not_exist_is_refused_with_its_text(text):
    with pytest.raises(FormValueError, match="月份不存在"):
        parse_month(text, label="入党时间")


@pytest.mark.parametrize("text", ["去年", "05.1990", "19900"])
def test_something_that_is_not_a_month_is_refused(text):
    with pytest.raises(FormValueError, match="不是有效的年月"):
        parse_month(text, label="参加工作时间")


def test_the_age_counts_whole_years_between_months():
    assert age_at(date(1990, 5, 17), date(2024, 5, 1)) == 34
    assert age_at(date(1990, 5, 17), date(2024, 4, 1)) == 33
    assert age_at(None, date(2024, 4, 1)) is None


def test_the_birth_cell_shows_the_age_at_the_stated_date():
    form = FormData(birth=date(1990, 5, 17), age_date=date(2024, 4, 1))
    assert form.birth_with_age == "1990.05（33岁）"


def test_a_resume_line_is_written_as_the_form_writes_it():
    assert ResumeLine(date(2008, 9, 1), date(2012, 7, 1), "武汉大学学习").render() == "2008.09--2012.07  武汉大学学习"


def test_an_open_resume_line_keeps_the_date_column_width():
    line = ResumeLine(date(2021, 9, 1), None, "副镇长").render()
    assert line.startswith("2021.09--") and line.index("副镇长") == 18


@pytest.mark.parametrize("separator", ["--", "-", "－", "——", "—", "~", "～", "至", " -- "])
def test_every_dash_of_real_files_separates_a_date_range(separator):
    lines = parse_resume(f"2008.09{separator}2012.07  武汉大学学习")
    assert lines == [ResumeLine(date(2008, 9, 1), date(2012, 7, 1), "武汉大学学习")]


def test_compact_and_chinese_dates_in_the_resume_are_read():
    lines = parse_resume("200809-201207  学习\n2012年7月至2015年3月  科员\n2015.3--  副主任")
    assert [(l.start, l.end, l.text) for l in lines] == [
        (date(2008, 9, 1), date(2012, 7, 1), "学习"),
        (date(2012, 7, 1), date(2015, 3, 1), "科员"),
        (date(2015, 3, 1), None, "副主任"),
    ]


def test_a_line_without_dates_continues_the_line_above():
    lines = parse_resume("2014.08--2017.12  副股长\r\n                  （其间：2014.09--2017.06在职研究生学习）")
    assert lines[0].text == "副股长\n（其间：2014.09--2017.06在职研究生学习）" and len(lines) == 1


def test_the_resume_renders_and_reads_back_unchanged():
    form = sample_form()
    assert parse_resume(render_resume(form.resume)) == form.resume


def test_a_resume_starting_without_dates_is_refused_naming_the_line():
    with pytest.raises(FormValueError, match="简历第 1 行没有起止时间"):
        parse_resume("在校学习\n2012.07--  科员")


def test_a_bad_month_in_the_resume_names_the_line():
    with pytest.raises(FormValueError, match="简历第 2 行的截止时间“2015.13”"):
        parse_resume("2008.09--2012.07  学习\n2012.07--2015.13  科员")


def test_an_end_before_the_start_is_refused():
    with pytest.raises(FormValueError, match="截止时间早于起始时间"):
        parse_resume("2012.07--2008.09  学习")


def test_differences_compare_months_not_days():
    old = FormData(name="甲", birth=date(1990, 5, 17), party_join=date(2010, 6, 20))
    new = FormData(name="甲", birth=date(1990, 5, 1), party_join=date(2010, 6, 1))
    assert differences(old, new) == []


def test_differences_name_each_changed_field_with_both_values():
    old = sample_form()
    new = sample_form(health="一般", family=[FamilyRow("妻子", "刘敏", date(1991, 8, 1), "群众", "崇阳县第一中学教师")])
    changes = {c["label"]: (c["old"], c["new"]) for c in differences(old, new)}
    assert set(changes) == {"健康状况", "家庭主要成员及重要社会关系"}
    assert changes["健康状况"] == ("健康", "一般")


def test_a_different_photo_is_a_difference():
    assert [c["label"] for c in differences(sample_form(), sample_form(photo=b"other"))] == ["照片"]


def test_the_family_table_is_padded_to_seven_rows_and_holds_ten():
    assert len(FormData(family=[FamilyRow(name="甲")]).family_rows()) == 7
    assert len(FormData(family=[FamilyRow(name=str(i)) for i in range(12)]).family_rows()) == 10


# --- 奖惩情况 and 年度考核结果 ---------------------------------------------------------------------


def test_reward_lines_are_read_with_their_months():
    lines = parse_rewards("2019.12 被评为优秀共产党员\n2022年1月，记三等功\n202208 受到诫勉")
    assert [(l.date, l.text) for l in lines] == [
        (date(2019, 12, 1), "被评为优秀共产党员"), (date(2022, 1, 1), "记三等功"), (date(2022, 8, 1), "受到诫勉")]


def test_none_written_as_wu_is_no_reward():
    assert parse_rewards("无") == [] and parse_assessments("无") == {}


def test_a_reward_line_without_its_month_is_refused_naming_it():
    with pytest.raises(FormValueError, match="奖惩情况第 2 行“被评为先进”没有年月"):
        parse_rewards("2019.12 记功\n被评为先进")


def test_rewards_render_and_read_back():
    text = "2019.12 被评为优秀共产党员\n2022.01 记三等功"
    assert render_rewards(parse_rewards(text)) == text


@pytest.mark.parametrize("text", [
    "2021年度考核称职；2022年度考核称职；2023年度考核称职。",
    "2021年、2022年、2023年年度考核均为称职。",
    "2021—2023年度考核均为称职",
])
def test_assessments_are_read_year_by_year_however_grouped(text):
    assert parse_assessments(text) == {2021: "称职", 2022: "称职", 2023: "称职"}


def test_basic_competence_is_not_read_as_competence():
    assert parse_assessments("2022年度考核基本称职；2023年度考核不称职") == {2022: "基本称职", 2023: "不称职"}


def test_assessments_without_years_or_conclusions_are_refused():
    with pytest.raises(FormValueError, match="没有写明年度"):
        parse_assessments("近三年考核均为称职")
    with pytest.raises(FormValueError, match="没有写明考核结论"):
        parse_assessments("2023年度考核良好")


def test_assessments_render_one_clause_per_year():
    assert render_assessments({2023: "优秀", 2021: "称职"}) == "2021年度考核称职；2023年度考核优秀。"


def test_an_indented_reward_line_continues_the_one_above():
    assert [l.text for l in parse_rewards("2019.12 被县委、县政府评为\n        全县优秀共产党员")] == ["被县委、县政府评为全县优秀共产党员"]
