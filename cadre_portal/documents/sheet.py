"""One form laid out: every cell's text and font size, the 简历 plan, the family rows.

The print view (``templates/documents/rmb_sheet.html``) and the .docx writer
(``cadre_portal.documents.docx``) both render a ``Sheet``, so the two always
show the same texts at the same sizes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from cadre_portal.documents import layout as L
from cadre_portal.documents.formdata import FamilyRow, FormData, ResumeLine, ym

VALUE_FONT = 12.0  # 小四
LABEL_FONT = 11.0
SMALLEST_FONT = 7.5


@dataclass
class Cell:
    text: str
    font_pt: float = VALUE_FONT


@dataclass
class FamilyLine:
    relation: str = ""
    name: str = ""
    age: str = ""
    political_status: str = ""
    work_unit_post: str = ""
    font_pt: float = VALUE_FONT


@dataclass
class Sheet:
    form: FormData
    cells: dict[str, Cell]
    resume: L.ResumePlan
    family: list[FamilyLine]
    heights: dict[str, float]
    photo_data_uri: str = ""
    continuation: list[list[ResumeLine]] = field(default_factory=list)

    @property
    def has_continuation(self) -> bool:
        return bool(self.resume.overflow)

    @property
    def family_rowspan(self) -> int:
        return len(self.family) + 1

    @property
    def filled_on_text(self) -> str:
        return ym(self.form.filled_on)


def geometry() -> dict:
    """The layout's fixed measures (mm), for the print view's template."""
    return {
        "p1_columns": L.P1_COLUMNS,
        "p2_columns": L.P2_COLUMNS,
        "rows": L.P1_ROWS,
        "resume_height": L.RESUME_HEIGHT,
        "resume_box": round(L.RESUME_HEIGHT - 2 * L.CELL_PADDING, 1),
        "continuation_height": L.CONTINUATION_HEIGHT,
        "continuation_box": round(L.CONTINUATION_HEIGHT - 2 * L.CELL_PADDING, 1),
    }


def _fit(text: str, width: float, height: float, largest: float = VALUE_FONT) -> Cell:
    return Cell(text=text, font_pt=L.text_font(text, width, height, largest=largest, smallest=SMALLEST_FONT))


def _schools(school: str, degree_school: str) -> str:
    if degree_school and degree_school != school:
        return f"{school}\n{degree_school}" if school else degree_school
    return school


def _education(education: str, degree: str) -> str:
    return "\n".join(part for part in (education, degree) if part)


def build(form: FormData) -> Sheet:
    c = L.P1_COLUMNS
    ident, title_row, edu, post = (L.P1_ROWS[k] for k in ("identity", "title_row", "education", "post"))
    cells = {
        "name": _fit(form.name, c[1], ident),
        "sex": _fit(form.sex, c[3], ident),
        "birth": _fit(ym(form.birth) + (f"\n（{form.age}岁）" if form.birth and form.age is not None else ""), c[5], ident),
        "ethnicity": _fit(form.ethnicity, c[1], ident),
        "native_place": _fit(form.native_place, c[3], ident),
        "birth_place": _fit(form.birth_place, c[5], ident),
        "party_join": _fit(ym(form.party_join), c[1], ident),
        "work_start": _fit(ym(form.work_start), c[3], ident),
        "health": _fit(form.health, c[5], ident),
        "professional_title": _fit(form.professional_title, c[1] + c[2], title_row),
        "specialty": _fit(form.specialty, c[4] + c[5], title_row),
        "fulltime_education": _fit(_education(form.fulltime_education, form.fulltime_degree), c[2] + c[3], edu),
        "fulltime_school": _fit(_schools(form.fulltime_school, form.fulltime_degree_school), c[5] + c[6], edu),
        "inservice_education": _fit(_education(form.inservice_education, form.inservice_degree), c[2] + c[3], edu),
        "inservice_school": _fit(_schools(form.inservice_school, form.inservice_degree_school), c[5] + c[6], edu),
        "current_post": _fit(form.current_post, sum(c[2:]), post),
        "proposed_post": _fit(form.proposed_post, sum(c[2:]), post),
        "proposed_removal": _fit(form.proposed_removal, sum(c[2:]), post),
    }
    heights = L.page2_heights(form)
    p2 = L.P2_COLUMNS
    wide = sum(p2[1:])
    cells.update({
        "rewards": _fit(form.rewards, wide, heights["rewards"]),
        "assessments": _fit(form.assessments, wide, heights["assessments"]),
        "reason": _fit(form.reason, wide, heights["reason"]),
        # The unit's name sits above the seal line, so it gets half the box.
        "reporting_unit": _fit(form.reporting_unit, wide, heights["reporting_unit"] / 2),
        "approval_opinion": _fit(form.approval_opinion, sum(p2[1:4]), heights["opinions"] / 2),
        "admin_opinion": _fit(form.admin_opinion, p2[5], heights["opinions"] / 2),
    })
    family = [_family_line(row, form) for row in form.family_rows(L.family_rows_shown(form))]
    photo = f"data:image/jpeg;base64,{base64.b64encode(form.photo).decode('ascii')}" if form.photo else ""
    plan = L.plan_resume(form.resume)
    return Sheet(form=form, cells=cells, resume=plan, family=family, heights=heights, photo_data_uri=photo,
                 continuation=L.continuation_pages(plan.overflow, plan.font_pt))


def _family_line(row: FamilyRow | None, form: FormData) -> FamilyLine:
    if row is None:
        return FamilyLine()
    age = row.age(form.age_date)
    p2 = L.P2_COLUMNS
    h = L.P2_ROWS["family_row"]
    fonts = [
        L.text_font(row.relation, p2[1], h, largest=VALUE_FONT, smallest=SMALLEST_FONT),
        L.text_font(row.name, p2[2], h, largest=VALUE_FONT, smallest=SMALLEST_FONT),
        L.text_font(row.political_status, p2[4], h, largest=VALUE_FONT, smallest=SMALLEST_FONT),
        L.text_font(row.work_unit_post, p2[5], h, largest=VALUE_FONT, smallest=SMALLEST_FONT),
    ]
    return FamilyLine(
        relation=row.relation, name=row.name, age="" if age is None else str(age),
        political_status=row.political_status, work_unit_post=row.work_unit_post, font_pt=min(fonts),
    )
