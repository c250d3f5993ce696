"""The national layout of the 干部任免审批表, measured once for the print view and the .docx.

Two A4 pages. Page 1: the title, the identity rows with the photo box, the
education rows, 现任/拟任/拟免职务 and the 简历 cell, which takes the rest of
the page. Page 2: 奖惩情况, 年度考核结果, 任免理由, the family table, 呈报单位,
审批机关意见 and 行政机关任免意见, then 填表人.

Long 简历 text never breaks the table: ``plan_resume`` picks the largest font
(12 pt down to 8 pt) at which the estimated lines fit the cell; if even 8 pt
does not hold them, the lines that do not fit go to a continuation page
("简历（续）") after page 2, so pages 1 and 2 keep their layout. The print view
refines the font in the browser (``static/js/documents.js``) from the real
text height; the .docx uses the estimate.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from cadre_portal.documents.formdata import FormData, ResumeLine

# Page (mm)
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 18.0, 15.0, 24.0, 20.0
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 166
CONTENT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 264
# Word needs room for the paragraph that follows a table; the browser does not mind.
SLACK = 10.0

# Page 1: seven columns (label, value, label, value, label, value, photo).
P1_COLUMNS = [20.0, 22.0, 20.0, 22.0, 22.0, 28.0, 32.0]
TITLE_HEIGHT = 16.0
P1_ROWS = {
    "identity": 12.0,  # three rows: 姓名…, 民族…, 入党时间…
    "title_row": 14.0,  # 专业技术职务 / 熟悉专业有何专长
    "education": 15.0,  # two rows: 全日制教育, 在职教育
    "post": 11.0,  # three rows: 现任/拟任/拟免职务
}
P1_FIXED = TITLE_HEIGHT + 3 * P1_ROWS["identity"] + P1_ROWS["title_row"] + 2 * P1_ROWS["education"] + 3 * P1_ROWS["post"]
RESUME_HEIGHT = CONTENT_HEIGHT - SLACK - P1_FIXED
RESUME_WIDTH = sum(P1_COLUMNS[1:])
# The continuation page: a subtitle line, then one tall 简历 cell.
CONTINUATION_HEIGHT = CONTENT_HEIGHT - SLACK - 12.0
PHOTO_BOX = (25.0, 35.0)  # a 1-inch ID photo, width x height

# Page 2: label, 称谓, 姓名, 年龄, 政治面貌, 工作单位及职务.
P2_COLUMNS = [20.0, 16.0, 22.0, 14.0, 24.0, 70.0]
P2_ROWS = {
    "rewards": 40.0,
    "assessments": 22.0,
    "reason": 26.0,
    "family_header": 10.0,
    "family_row": 10.0,
    "reporting_unit": 30.0,
    "opinions": 46.0,
}
FOOTER_HEIGHT = 8.0

# 简历 fonts, largest first (pt); line height is LINE_FACTOR times the font.
RESUME_FONTS = [12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0]
LINE_FACTOR = 1.45
CELL_PADDING = 2.0  # mm each side
PT = 25.4 / 72  # mm per point
# The date column "2008.09--2012.07" is 16 half-width characters plus a gap.
DATE_COLUMN_EM = 9.2


def text_em(text: str) -> float:
    """Width in em: full-width (CJK) characters 1, others ~0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55 for ch in text)


def lines_needed(line: ResumeLine, font_pt: float, width_mm: float = RESUME_WIDTH) -> int:
    """Printed lines one 简历 entry takes at ``font_pt`` (the text wraps beside the date column)."""
    column_em = (width_mm - 2 * CELL_PADDING) / (font_pt * PT) - DATE_COLUMN_EM
    column_em = max(column_em, 4.0)
    return sum(max(1, math.ceil(text_em(part) / column_em)) for part in (line.text or " ").split("\n"))


def capacity(font_pt: float, height_mm: float = RESUME_HEIGHT) -> int:
    return int((height_mm - 2 * CELL_PADDING) // (font_pt * PT * LINE_FACTOR))


@dataclass
class ResumePlan:
    font_pt: float
    first_page: list[ResumeLine]
    overflow: list[ResumeLine] = field(default_factory=list)

    @property
    def line_height_pt(self) -> float:
        return round(self.font_pt * LINE_FACTOR, 2)


def plan_resume(lines: list[ResumeLine], *, width_mm: float = RESUME_WIDTH, height_mm: float = RESUME_HEIGHT) -> ResumePlan:
    """The largest font at which the 简历 fits its cell; else the smallest font and the
    entries that do not fit moved to a continuation page."""
    for font in RESUME_FONTS:
        if sum(lines_needed(line, font, width_mm) for line in lines) <= capacity(font, height_mm):
            return ResumePlan(font_pt=font, first_page=list(lines))
    font = RESUME_FONTS[-1]
    room = capacity(font, height_mm)
    used, split = 0, len(lines)
    for index, line in enumerate(lines):
        need = lines_needed(line, font, width_mm)
        if used + need > room:
            split = index
            break
        used += need
    return ResumePlan(font_pt=font, first_page=list(lines[:split]), overflow=list(lines[split:]))


CONTINUATION_WIDTH = CONTENT_WIDTH - P1_COLUMNS[0]


def continuation_pages(lines: list[ResumeLine], font_pt: float) -> list[list[ResumeLine]]:
    """The 简历 entries that did not fit page 1, split over as many continuation pages
    as they need (one is plenty for any real career)."""
    room = capacity(font_pt, CONTINUATION_HEIGHT)
    pages: list[list[ResumeLine]] = []
    used = room + 1
    for line in lines:
        need = lines_needed(line, font_pt, CONTINUATION_WIDTH)
        if used + need > room and (not pages or pages[-1]):
            pages.append([])
            used = 0
        pages[-1].append(line)
        used += need
    return pages


def family_rows_shown(form: FormData) -> int:
    """Rows of the family table: at least 7, up to 10 when there are more members."""
    from cadre_portal.documents.formdata import FAMILY_ROWS_MAX, FAMILY_ROWS_SHOWN

    return max(FAMILY_ROWS_SHOWN, min(len(form.family), FAMILY_ROWS_MAX))


def page2_heights(form: FormData) -> dict[str, float]:
    """Row heights of page 2; the family table grows into the spare room when it has
    more than seven rows."""
    heights = dict(P2_ROWS)
    extra_rows = family_rows_shown(form) - 7
    if extra_rows > 0:
        # Take the room from the two tallest free-text boxes.
        take = extra_rows * heights["family_row"]
        heights["rewards"] -= take / 2
        heights["opinions"] -= take / 2
    return heights


# Ordinary cells: padding (mm) and line height as the print view's CSS sets them.
CELL_PAD_H, CELL_PAD_V, CELL_LINE_FACTOR = 1.2, 0.6, 1.3


def text_font(text: str, width_mm: float, height_mm: float, *, largest: float = 12.0, smallest: float = 7.5) -> float:
    """The largest font (pt, half-point steps) at which ``text`` fits a cell."""
    font = largest
    while font > smallest:
        column_em = max((width_mm - 2 * CELL_PAD_H) / (font * PT), 1.0)
        lines = sum(max(1, math.ceil(text_em(part) / column_em)) for part in (text or " ").split("\n"))
        if lines * font * PT * CELL_LINE_FACTOR <= height_mm - 2 * CELL_PAD_V:
            return font
        font -= 0.5
    return smallest
