"""The Word document and the layout behind it (the print view uses the same sheet)."""

import io
from datetime import date

from docx import Document
from docx.oxml.ns import qn

from cadre_portal.documents import docx, layout, sheet
from cadre_portal.documents.formdata import FormData, ResumeLine, ym
from cadre_portal.documents.testing import long_resume, sample_form


def open_docx(forms):
    return Document(io.BytesIO(docx.write(forms)))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def page_breaks(doc) -> int:
    return sum(1 for br in doc.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page")


def test_one_form_is_two_a4_pages_of_two_tables():
    doc = open_docx([sample_form()])
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert len(doc.tables) == 2 and page_breaks(doc) == 1


def test_every_field_of_the_form_is_in_the_document():
    form = sample_form()
    text = all_text(open_docx([form]))
    expected = [
        form.name, form.sex, "1990.05", "（34岁）", form.ethnicity, form.native_place, form.birth_place, "2011.06", "2012.07",
        form.health, form.professional_title, form.specialty, form.fulltime_education, form.fulltime_degree,
        form.fulltime_school, form.inservice_education, form.inservice_degree, form.inservice_school,
        form.inservice_degree_school, form.current_post, form.proposed_post, form.proposed_removal,
        "2008.09--2012.07", "华中农业大学经济管理学院农林经济管理专业学习", "2021.09--", "（其间：2018.09--2021.07",
        "2019.12 被崇阳县委评为优秀共产党员", form.assessments, form.reason, "妻子", "刘敏", "32", "陈一鸣", "崇阳县第一中学教师",
        form.reporting_unit, "（盖章）", "填表人：组织部干部", "填表时间：2024.05", "审批", "行政机关",
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []


def test_the_labels_of_the_national_form_are_there():
    text = all_text(open_docx([FormData(name="甲")])).replace("\u2002", "").replace("\u2003", "").replace("\n", "")
    for label in ("干部任免审批表", "姓名", "性别", "出生年月", "民族", "籍贯", "出生地", "入党时间", "参加工作时间", "健康状况",
                  "专业技术职务", "熟悉专业有何专长", "学历学位", "全日制教育", "在职教育", "毕业院校系及专业", "现任职务",
                  "拟任职务", "拟免职务", "简历", "奖惩情况", "年度考核结果", "任免理由", "家庭主要成员及重要社会关系", "称谓",
                  "年龄", "政治面貌", "工作单位及职务", "呈报单位", "审批机关意见", "行政机关任免意见"):
        assert label in text, label


def test_the_photo_is_in_its_box():
    doc = open_docx([sample_form()])
    shapes = doc.inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width.mm <= layout.PHOTO_BOX[0] + 0.1 and shapes[0].height.mm <= layout.PHOTO_BOX[1] + 0.1


def test_a_form_without_a_photo_has_an_empty_box():
    assert len(open_docx([sample_form(photo=None)]).inline_shapes) == 0


def test_rows_have_exact_heights_so_the_pages_keep_their_layout():
    doc = open_docx([sample_form()])
    for table in doc.tables:
        for row in table.rows:
            assert row.height_rule is not None and row.height is not None


def test_a_batch_puts_every_form_in_one_file():
    doc = open_docx([sample_form(), sample_form(name="李娜"), sample_form(name="王强")])
    assert len(doc.tables) == 6 and page_breaks(doc) == 5
    text = all_text(doc)
    assert "李娜" in text and "王强" in text


def test_a_long_resume_gets_a_continuation_page_and_loses_no_line():
    resume = long_resume(40)
    doc = open_docx([sample_form(resume=resume)])
    assert len(doc.tables) == 3 and page_breaks(doc) == 2
    text = all_text(doc)
    assert [line.period for line in resume if line.period not in text] == []
    assert "（续见续页）" in text and "干部任免审批表（续页）" in text


# --- layout ---------------------------------------------------------------------------------------


def test_a_short_resume_is_printed_at_12_pt():
    assert layout.plan_resume(sample_form().resume).font_pt == 12.0


def test_a_longer_resume_gets_a_smaller_font_but_stays_on_page_one():
    plan = layout.plan_resume(long_resume(10))
    assert plan.font_pt < 12.0 and plan.overflow == []


def test_a_resume_too_long_for_page_one_moves_whole_lines_to_the_continuation():
    resume = long_resume(60)
    plan = layout.plan_resume(resume)
    assert plan.font_pt == layout.RESUME_FONTS[-1]
    assert plan.first_page + plan.overflow == resume and plan.overflow


def test_continuation_pages_hold_everything_left_over():
    resume = long_resume(200)
    plan = layout.plan_resume(resume)
    pages = layout.continuation_pages(plan.overflow, plan.font_pt)
    assert len(pages) >= 2 and [line for page in pages for line in page] == plan.overflow


def test_a_long_school_name_gets_a_smaller_font():
    built = sheet.build(sample_form(fulltime_school="华中农业大学" * 8))
    assert built.cells["fulltime_school"].font_pt < sheet.VALUE_FONT


def test_the_birth_cell_shows_month_and_age():
    built = sheet.build(sample_form(birth=date(1990, 5, 17), age_date=date(2024, 5, 1)))
    assert built.cells["birth"].text == f"{ym(date(1990, 5, 1))}\n（34岁）"


def test_family_ages_are_computed_at_the_stated_date():
    built = sheet.build(sample_form(age_date=date(2024, 5, 1)))
    assert [m.age for m in built.family[:2]] == ["32", "6"]


def test_page_one_adds_up_to_the_printable_height():
    assert layout.P1_FIXED + layout.RESUME_HEIGHT + layout.SLACK == layout.CONTENT_HEIGHT
    assert sum(layout.P1_COLUMNS) == layout.CONTENT_WIDTH == sum(layout.P2_COLUMNS)


def test_page_two_fits_with_ten_family_members():
    form = sample_form(family=sample_form().family * 3)
    heights = layout.page2_heights(form)
    total = (heights["rewards"] + heights["assessments"] + heights["reason"] + heights["family_header"]
             + layout.family_rows_shown(form) * heights["family_row"] + heights["reporting_unit"] + heights["opinions"])
    assert layout.family_rows_shown(form) == 10 and total + layout.FOOTER_HEIGHT <= layout.CONTENT_HEIGHT - layout.SLACK / 2


def test_an_empty_resume_still_renders():
    doc = open_docx([FormData(name="甲", resume=[])])
    assert len(doc.tables) == 2


def test_resume_continuation_text_is_kept_in_the_docx():
    form = sample_form(resume=[ResumeLine(date(2018, 9, 1), None, "主任\n（其间：在职学习）")])
    assert "（其间：在职学习）" in all_text(open_docx([form]))
