"""Producing forms: one record or a batch, as print view data, .docx or .lrmx.

Every form produced (printed, downloaded) is written to the audit log with the
format, the source and the people in it.
"""

from __future__ import annotations

import io
import re
import zipfile

from cadre_portal.audit import record
from cadre_portal.documents import docx, lrmx, sheet
from cadre_portal.documents.formdata import FormData
from cadre_portal.documents.registry import FORMATS, FormOptions, FormSource


def build_forms(source: FormSource, items, *, options: FormOptions, user) -> list[FormData]:
    """FormData for each (record, occasion key) of ``items``; ``options.occasion`` is
    replaced by each item's own occasion."""
    forms = []
    for obj, occasion in items:
        opts = FormOptions(occasion=occasion, age_date=options.age_date, filled_on=options.filled_on,
                           filled_by=options.filled_by, reporting_unit=options.reporting_unit)
        forms.append(source.form_data(obj, options=opts, user=user))
    return forms


def audit(*, user, request, source: FormSource, fmt: str, forms: list[FormData], batch: str = "") -> None:
    names = "、".join(f.name for f in forms[:10]) + (f" 等 {len(forms)} 人" if len(forms) > 10 else "")
    what = f"批次“{batch}”" if batch else names
    record("export", user=user, request=request,
           summary=f"生成干部任免审批表（{FORMATS[fmt].label}）：{what}"[:255],
           document="rmb", source=source.key, format=fmt, people=len(forms), batch=batch)


def sheets(forms: list[FormData]) -> list[sheet.Sheet]:
    return [sheet.build(form) for form in forms]


def page_count(built: list[sheet.Sheet]) -> int:
    return sum(2 + len(s.continuation) for s in built)


def docx_bytes(forms: list[FormData]) -> bytes:
    return docx.write(forms)


def lrmx_bytes(form: FormData) -> bytes:
    return lrmx.write(form)


def safe_filename(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", text)[:60] or "任免审批表"


def lrmx_zip(forms: list[FormData]) -> bytes:
    """One .lrmx per person, in a zip (names in UTF-8, flagged so)."""
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for form in forms:
            name = safe_filename(form.name)
            candidate, n = name, 2
            while candidate in used:
                candidate, n = f"{name}{n}", n + 1
            used.add(candidate)
            archive.writestr(f"{candidate}.lrmx", lrmx.write(form))
    return out.getvalue()
