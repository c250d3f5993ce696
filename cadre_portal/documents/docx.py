"""The 干部任免审批表 as a Word document (python-docx), from the same ``Sheet`` as the print view.

Each form is two A4 pages (a third when the 简历 needs a continuation page):
fixed-layout tables with exact row heights and column widths from
``cadre_portal.documents.layout``, 宋体 text, the photo in its box. A batch
(every person of one appointment round) is one document, form after form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from cadre_portal.documents import layout as L
from cadre_portal.documents import photos
from cadre_portal.documents.formdata import FormData
from cadre_portal.documents.sheet import LABEL_FONT, Cell, Sheet, build

BODY_FONT = "宋体"
TITLE_FONT = "方正小标宋简体"
LATIN_FONT = "Times New Roman"
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
MIDDLE, TOP = WD_CELL_VERTICAL_ALIGNMENT.CENTER, WD_CELL_VERTICAL_ALIGNMENT.TOP


def write(forms: list[FormData]) -> bytes:
    """One .docx holding every form, in order."""
    doc = _new_document()
    for index, form in enumerate(forms):
        if index:
            _page_break(doc)
        _write_sheet(doc, build(form))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- document setup ---------------------------------------------------------------------------


def _new_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH), Mm(L.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP), Mm(L.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT), Mm(L.MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Mm(8)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    props = doc.core_properties
    props.title = "干部任免审批表"
    props.author = getattr(settings, "SITE_NAME", "")
    props.created = props.modified = datetime.now()
    # The default template starts with no paragraph; keep it that way.
    return doc


def _set_fonts(rpr, east_asian: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_break(doc) -> None:
    """A page break in a 1 pt paragraph, so it takes no room on either page."""
    p = doc.add_paragraph()
    _tiny(p)
    p.add_run().add_break(WD_BREAK.PAGE)


def _tiny(paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(1)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    mark = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    rpr.append(size)
    mark.append(rpr)


# --- tables -------------------------------------------------------------------------------------


@dataclass
class Spec:
    """One cell of a row: a name to fill it by, how many grid columns it spans, and its
    part in a vertical merge ("restart" on the first row, "continue" below)."""

    key: str | None = None
    span: int = 1
    vmerge: str | None = None


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _table(doc, widths: list[float], rows: list[tuple[float, list[Spec]]]) -> dict[str, _Cell]:
    """A fixed-layout table built row by row with its spans written directly (python-docx's
    ``cell()`` and ``merge()`` rescan the whole grid on every call: ~1 s per form).
    Returns the named cells."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl = table._tbl
    props = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    props.append(layout)
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 12), ("left", 12), ("bottom", 12), ("right", 12), ("insideH", 4), ("insideV", 4)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    props.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, mm in (("left", 1.2), ("right", 1.2), ("top", 0.3), ("bottom", 0.3)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), _twips(mm))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    props.append(margins)
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), _twips(width))
    cells: dict[str, _Cell] = {}
    for height, specs in rows:
        tr = OxmlElement("w:tr")
        tr_pr = OxmlElement("w:trPr")
        tr_height = OxmlElement("w:trHeight")
        tr_height.set(qn("w:val"), _twips(height))
        tr_height.set(qn("w:hRule"), "exact")
        tr_pr.append(tr_height)
        tr.append(tr_pr)
        col = 0
        for spec in specs:
            tc = OxmlElement("w:tc")
            tc_pr = OxmlElement("w:tcPr")
            width = OxmlElement("w:tcW")
            width.set(qn("w:w"), _twips(sum(widths[col:col + spec.span])))
            width.set(qn("w:type"), "dxa")
            tc_pr.append(width)
            if spec.span > 1:
                span = OxmlElement("w:gridSpan")
                span.set(qn("w:val"), str(spec.span))
                tc_pr.append(span)
            if spec.vmerge:
                merge = OxmlElement("w:vMerge")
                if spec.vmerge == "restart":
                    merge.set(qn("w:val"), "restart")
                tc_pr.append(merge)
            tc.append(tc_pr)
            tc.append(OxmlElement("w:p"))
            tr.append(tc)
            if spec.key and spec.vmerge != "continue":
                cells[spec.key] = _Cell(tc, table)
            col += spec.span
        tbl.append(tr)
    return cells


def _put(cell, text: str, *, size: float = 12.0, align=CENTER, valign=MIDDLE, line_pt: float | None = None) -> None:
    """Replace a cell's content with ``text`` (newlines become line breaks)."""
    cell.vertical_alignment = valign
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    paragraph.alignment = align
    if line_pt:
        paragraph.paragraph_format.line_spacing = Pt(line_pt)
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    for index, part in enumerate((text or "").split("\n")):
        run = paragraph.add_run(part)
        run.font.size = Pt(size)
        if index:
            run._r.addprevious(_break())


def _break():
    br = OxmlElement("w:r")
    br.append(OxmlElement("w:br"))
    return br


def _label(cell, text: str, size: float = LABEL_FONT) -> None:
    _put(cell, text, size=size)


def _value(cell, value: Cell, *, align=CENTER, valign=MIDDLE) -> None:
    _put(cell, value.text, size=value.font_pt, align=align, valign=valign)


# --- the two pages ------------------------------------------------------------------------------


def _write_sheet(doc, sheet: Sheet) -> None:
    _page_one(doc, sheet)
    _page_break(doc)
    _page_two(doc, sheet)
    for page in sheet.continuation:
        _page_break(doc)
        _continuation(doc, sheet, page)


def _page_one(doc, sheet: Sheet) -> None:
    c, form = sheet.cells, sheet.form
    title = doc.add_paragraph()
    title.alignment = CENTER
    title.paragraph_format.line_spacing = Mm(L.TITLE_HEIGHT)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    run = title.add_run("干部任免审批表")
    run.font.size = Pt(22)
    run.font.bold = True
    _set_fonts(run._r.get_or_add_rPr(), TITLE_FONT)
    # Letter spacing 0.3 em, as printed.
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(round(22 * 0.3 * 20)))
    run._r.get_or_add_rPr().append(spacing)

    rows = L.P1_ROWS
    S = Spec
    t = _table(doc, L.P1_COLUMNS, [
        (rows["identity"], [S("l_name"), S("name"), S("l_sex"), S("sex"), S("l_birth"), S("birth"), S("photo", vmerge="restart")]),
        (rows["identity"], [S("l_ethnicity"), S("ethnicity"), S("l_native_place"), S("native_place"), S("l_birth_place"), S("birth_place"), S(vmerge="continue")]),
        (rows["identity"], [S("l_party_join"), S("party_join"), S("l_work_start"), S("work_start"), S("l_health"), S("health"), S(vmerge="continue")]),
        (rows["title_row"], [S("l_professional_title"), S("professional_title", 2), S("l_specialty"), S("specialty", 2), S(vmerge="continue")]),
        (rows["education"], [S("l_education", vmerge="restart"), S("l_fulltime"), S("fulltime_education", 2), S("l_fulltime_school"), S("fulltime_school", 2)]),
        (rows["education"], [S(vmerge="continue"), S("l_inservice"), S("inservice_education", 2), S("l_inservice_school"), S("inservice_school", 2)]),
        (rows["post"], [S("l_current_post", 2), S("current_post", 5)]),
        (rows["post"], [S("l_proposed_post", 2), S("proposed_post", 5)]),
        (rows["post"], [S("l_proposed_removal", 2), S("proposed_removal", 5)]),
        (L.RESUME_HEIGHT, [S("l_resume"), S("resume", 6)]),
    ])
    labels = {
        "name": "姓\u2003名", "sex": "性\u2003别", "birth": "出生年月\n（\u2002岁）", "ethnicity": "民\u2003族",
        "native_place": "籍\u2003贯", "birth_place": "出\u2002生\u2002地", "party_join": "入\u2002党\n时\u2002间",
        "work_start": "参加工作\n时\u2003\u2003间", "health": "健康状况", "professional_title": "专业技术\n职\u2003\u2003务",
        "specialty": "熟悉专业\n有何专长", "education": "学\u2002历\n学\u2002位", "fulltime": "全日制\n教\u2003育",
        "fulltime_school": "毕业院校\n系及专业", "inservice": "在\u2003职\n教\u2003育", "inservice_school": "毕业院校\n系及专业",
        "current_post": "现\u2002任\u2002职\u2002务", "proposed_post": "拟\u2002任\u2002职\u2002务",
        "proposed_removal": "拟\u2002免\u2002职\u2002务",
    }
    for key, text in labels.items():
        _label(t[f"l_{key}"], text)
    for key in ("name", "sex", "birth", "ethnicity", "native_place", "birth_place", "party_join", "work_start", "health",
                "professional_title", "specialty", "fulltime_education", "inservice_education"):
        _value(t[key], c[key])
    for key in ("fulltime_school", "inservice_school", "current_post", "proposed_post", "proposed_removal"):
        _value(t[key], c[key], align=LEFT)
    _photo(t["photo"], form.photo)
    _put(t["l_resume"], "简\n\n\n\n历", size=12)
    _resume(t["resume"], list(sheet.resume.first_page), sheet.resume.font_pt, continued=sheet.has_continuation)


def _resume(cell, lines, font_pt: float, *, continued: bool = False) -> None:
    """One paragraph per 简历 line: the period, a tab, the text; wrapped and continued
    lines hang under the text (hanging indent at the tab)."""
    cell.vertical_alignment = TOP
    first = cell.paragraphs[0]
    indent = Pt(font_pt * L.DATE_COLUMN_EM)
    items = [(line.period, line.text) for line in lines]
    if continued:
        items.append(("", "（续见续页）"))
    if not items:
        items = [("", "")]
    for index, (period, text) in enumerate(items):
        paragraph = first if index == 0 else cell.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.left_indent = indent
        fmt.first_line_indent = -indent
        fmt.tab_stops.add_tab_stop(indent, WD_TAB_ALIGNMENT.LEFT)
        fmt.line_spacing = Pt(font_pt * L.LINE_FACTOR)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        if index == 0:
            fmt.space_before = Mm(1.5)
        parts = text.split("\n")
        run = paragraph.add_run(f"{period}\t{parts[0]}")
        run.font.size = Pt(font_pt)
        for extra in parts[1:]:
            more = paragraph.add_run(extra)
            more.font.size = Pt(font_pt)
            more._r.addprevious(_break())


def _photo(cell, photo: bytes | None) -> None:
    cell.vertical_alignment = MIDDLE
    paragraph = cell.paragraphs[0]
    paragraph.alignment = CENTER
    if not photo:
        return
    width, height = photos.dimensions(photo)
    box_w, box_h = L.PHOTO_BOX
    scale = min(box_w / width, box_h / height)
    paragraph.add_run().add_picture(io.BytesIO(photo), width=Mm(width * scale), height=Mm(height * scale))


def _page_two(doc, sheet: Sheet) -> None:
    c, h = sheet.cells, sheet.heights
    S = Spec
    rows = [
        (h["rewards"], [S("l_rewards"), S("rewards", 5)]),
        (h["assessments"], [S("l_assessments"), S("assessments", 5)]),
        (h["reason"], [S("l_reason"), S("reason", 5)]),
        (h["family_header"], [S("l_family", vmerge="restart"), S("h_relation"), S("h_name"), S("h_age"), S("h_political"), S("h_work")]),
    ]
    for i, _member in enumerate(sheet.family):
        rows.append((h["family_row"], [S(vmerge="continue")] + [S(f"f{i}_{k}") for k in ("relation", "name", "age", "political", "work")]))
    rows += [
        (h["reporting_unit"], [S("l_reporting_unit"), S("reporting_unit", 5)]),
        (h["opinions"], [S("l_approval"), S("approval_opinion", 3), S("l_admin"), S("admin_opinion")]),
    ]
    t = _table(doc, L.P2_COLUMNS, rows)
    for key, text in (("rewards", "奖\n惩\n情\n况"), ("assessments", "年\u2002度\n考\u2002核\n结\u2002果"), ("reason", "任\u2002免\n理\u2002由")):
        _label(t[f"l_{key}"], text, size=12)
        _value(t[key], c[key], align=LEFT, valign=TOP)
    _label(t["l_family"], "家庭主要成员及重要社会关系", size=12)
    for key, text in (("relation", "称\u2002谓"), ("name", "姓\u2002名"), ("age", "年龄"), ("political", "政治\n面貌"),
                      ("work", "工\u2002作\u2002单\u2002位\u2002及\u2002职\u2002务")):
        _label(t[f"h_{key}"], text)
    for i, member in enumerate(sheet.family):
        for key, text in (("relation", member.relation), ("name", member.name), ("age", member.age), ("political", member.political_status)):
            _put(t[f"f{i}_{key}"], text, size=member.font_pt)
        _put(t[f"f{i}_work"], member.work_unit_post, size=member.font_pt, align=LEFT)
    _label(t["l_reporting_unit"], "呈\u2002报\n单\u2002位", size=12)
    _sealed(t["reporting_unit"], c["reporting_unit"], h["reporting_unit"])
    _label(t["l_approval"], "审批\n机关\n意见", size=12)
    _sealed(t["approval_opinion"], c["approval_opinion"], h["opinions"])
    _label(t["l_admin"], "行政机关\n任免意见")
    _sealed(t["admin_opinion"], c["admin_opinion"], h["opinions"])
    footer = doc.add_paragraph()
    footer.paragraph_format.space_before = Mm(2)
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(L.CONTENT_WIDTH - 2), WD_TAB_ALIGNMENT.RIGHT)
    run = footer.add_run(f"填表人：{sheet.form.filled_by}\t填表时间：{sheet.filled_on_text}")
    run.font.size = Pt(LABEL_FONT)


def _sealed(cell, value: Cell, height_mm: float) -> None:
    """The text at the top, （盖章） and the date line at the bottom right."""
    _put(cell, value.text, size=value.font_pt, align=LEFT, valign=TOP)
    lines = max(1, len(value.text.split("\n"))) if value.text else 1
    used = lines * value.font_pt * L.PT * 1.3 + 2 * LABEL_FONT * L.PT * 1.6 + 4
    seal = cell.add_paragraph()
    seal.alignment = RIGHT
    seal.paragraph_format.space_before = Mm(max(2.0, height_mm - used))
    seal.paragraph_format.right_indent = Mm(4)
    seal.paragraph_format.line_spacing = Pt(LABEL_FONT * 1.6)
    seal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    run = seal.add_run("（盖章）\u2003\u2003\u2003")
    run.font.size = Pt(LABEL_FONT)
    date_run = seal.add_run("年\u2003\u2003月\u2003\u2003日")
    date_run.font.size = Pt(LABEL_FONT)
    date_run._r.addprevious(_break())


def _continuation(doc, sheet: Sheet, lines) -> None:
    title = doc.add_paragraph()
    title.alignment = CENTER
    title.paragraph_format.line_spacing = Mm(12)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    run = title.add_run(f"干部任免审批表（续页）\u2002{sheet.form.name}")
    run.font.size = Pt(14)
    run.font.bold = True
    t = _table(doc, [L.P1_COLUMNS[0], L.CONTINUATION_WIDTH], [(L.CONTINUATION_HEIGHT, [Spec("label"), Spec("resume")])])
    _put(t["label"], "简\n\n历\n\n（\n续\n）", size=12)
    _resume(t["resume"], lines, sheet.resume.font_pt)
