"""The situation report (情况汇报): an editable template filled with live figures.

The template is plain text, one block per line:

- ``# 标题`` the title; ``## 一、…`` a part; ``### （一）…`` a section; any other
  non-empty line a paragraph;
- ``{reserves.appointed}`` a figure of the registry (the number only; the writer
  writes the unit), computed for the report's scope and period;
  ``{youth_cadres.appointed_from_bank@two_years}`` the same for another period
  (``this_year``, ``two_years``, ``three_years``, ``term``);
- ``{county}`` the scope's name from the region tree, ``{period}`` the period
  (2024年1月1日至2026年11月29日), ``{period_start}``, ``{period_end}``, ``{today}``.

Nothing is invented: a figure whose app provides no data source yet, or whose
source holds no record in the scope, is printed as a marked gap for the writer
(【待补充：…】); a key that is neither registered nor one of the seed's figures
is marked as unknown and reported, and the rest of the report is still produced.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from cadre_portal.figures import compute, periods, registry
from cadre_portal.figures.periods import Period

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)(?:@([A-Za-z_]+))?\}")

# The seed's figures (docs/FIGURES.md): a key from this list that no app registers yet
# has "no data source"; any other unregistered key is a mistake in the template.
SEED_FIGURES = {
    "reserves.appointed": "选拔任用后备干部",
    "reserves.promoted_township_leadership": "优先选拔进入乡镇领导班子",
    "youth_cadres.bank_size": "80、90优秀年轻干部库人数",
    "youth_cadres.appointed_from_bank": "从库中选拔任用干部",
    "retention.housing_solved": "解决住房问题",
    "retention.marriage_solved": "解决婚恋问题",
    "retention.avg_pay_rise": "人均增资",
    "retention.allowance_before": "乡镇工作补贴（调整前）",
    "retention.allowance_after": "乡镇工作补贴（调整后）",
    "retention.retained": "有意离开后被留下的干部",
    "talents.medical_recruited": "引进医疗卫生人才",
    "talents.medical_managers": "县乡两级医疗卫生管理人才",
    "talents.expert_teams": "专家团队",
    "talents.famous_doctor_studios": "名医工作室",
    "talents.tcm_specialties_provincial": "省级中医重点专科",
    "talents.tcm_specialties_municipal": "市级中医重点专科",
    "talents.agri_entrepreneurs_supported": "扶持乡村创业带头人、家庭农场主、农业企业家",
    "talents.agri_professionals_recruited": "招引农业科研、专技、管理服务人才",
    "talents.agri_coop_ecommerce": "扶持培育农民合作社带头人和电商销售人才",
    "talents.industry_recruited": "招引企业人才",
    "talents.industry_engineers_introduced": "引进工科和科研人才",
    "talents.remote_station_enterprises": "异地人才工作站服务企业",
    "talents.expert_served_enterprises": "院士专家和科技人才服务重点企业",
    "talents.master_studios": "名家工作室",
    "talents.culture_masters": "文化名家",
    "talents.heritage_trained": "定向培养非遗传承人才",
    "talents.rural_artists": "乡土文艺人才",
    "talents.arts_organizations": "文艺组织",
}
WORDS = {"county", "period", "period_start", "period_end", "today"}

OK, MISSING, NO_SOURCE, UNKNOWN = "ok", "missing", "no_source", "unknown"


@dataclass
class Filled:
    """One placeholder as filled: its text and, for a figure, the link to its list."""

    key: str
    text: str
    state: str = OK
    url: str = ""
    label: str = ""
    unit: str = ""
    value: object = None
    period: Period | None = None

    @property
    def marked(self) -> bool:
        return self.state != OK


@dataclass
class Block:
    kind: str  # title, part, section, paragraph
    parts: list  # str or Filled


@dataclass
class Report:
    title: str
    blocks: list[Block]
    period: Period
    scope: str
    generated_at: object
    figures: list[Filled] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[Filled]:
        seen, result = set(), []
        for f in self.figures:
            if f.state in (MISSING, NO_SOURCE) and (f.key, f.period) not in seen:
                seen.add((f.key, f.period))
                result.append(f)
        return result

    @property
    def filled(self) -> list[Filled]:
        """Each figure once (per period), in order of appearance."""
        seen, result = set(), []
        for f in self.figures:
            if f.state != UNKNOWN and (f.key, f.period) not in seen:
                seen.add((f.key, f.period))
                result.append(f)
        return result


def scope_name(user) -> str:
    region = getattr(user, "region", None)
    return region.name if region is not None else "全部地区"


class _Filler:
    def __init__(self, user, period: Period, scope: str):
        self.user, self.period, self.scope = user, period, scope
        self.cache: dict = {}
        self.figures: list[Filled] = []
        self.problems: list[str] = []

    def word(self, key: str) -> str:
        today = periods.today()
        return {
            "county": self.scope,
            "period": self.period.span,
            "period_start": periods.fmt(self.period.start),
            "period_end": periods.fmt(self.period.end),
            "today": periods.fmt(today),
        }[key]

    def figure(self, key: str, period_key: str | None) -> Filled:
        period = self.period
        if period_key:
            if period_key not in dict(periods.PRESETS) or period_key == periods.RANGE:
                self.problems.append(f"模板中“{{{key}@{period_key}}}”的期间“{period_key}”无法识别，已按报告期间统计。")
            else:
                try:
                    period = periods.preset(period_key, on=self.period.end)
                except periods.PeriodError as exc:
                    self.problems.append(str(exc))
        cache_key = (key, period)
        if cache_key in self.cache:
            found = self.cache[cache_key]
            self.figures.append(found)
            return found
        figure = registry.find(key)
        if figure is None:
            if key in SEED_FIGURES:
                label = SEED_FIGURES[key]
                filled = Filled(key, f"【待补充：{label}（暂无数据来源）】", NO_SOURCE, label=label, period=period)
            else:
                filled = Filled(key, f"【未知指标：{key}】", UNKNOWN, period=period)
                self.problems.append(f"模板中的指标“{key}”不存在，请检查拼写（可用指标见指标说明）；报告其余部分已照常生成。")
        else:
            result = compute.value(figure, self.user, period)
            if not result.allowed:
                filled = Filled(key, f"【待补充：{figure.label}（无权查看）】", MISSING, label=figure.label, unit=figure.unit, period=period)
            elif result.value is None or (result.value == 0 and not compute.has_data(figure, self.user)):
                filled = Filled(key, f"【待补充：{figure.label}（暂无数据）】", MISSING, url=result.url,
                                label=figure.label, unit=figure.unit, period=period)
            else:
                filled = Filled(key, result.text, OK, url=result.url, label=figure.label, unit=figure.unit,
                                value=result.value, period=period)
        self.cache[cache_key] = filled
        self.figures.append(filled)
        return filled

    def fill(self, text: str) -> list:
        parts, last = [], 0
        for match in PLACEHOLDER.finditer(text):
            if match.start() > last:
                parts.append(text[last:match.start()])
            key, period_key = match.group(1), match.group(2)
            if "." not in key and key in WORDS and not period_key:
                parts.append(self.word(key))
            elif "." not in key:
                parts.append(Filled(key, f"【未知指标：{key}】", UNKNOWN))
                self.problems.append(f"模板中的“{{{key}}}”不是可用的指标或字段，请检查拼写；报告其余部分已照常生成。")
            else:
                parts.append(self.figure(key, period_key))
            last = match.end()
        if last < len(text):
            parts.append(text[last:])
        return parts


def build(body: str, *, user, period: Period, scope: str | None = None) -> Report:
    """The report for ``user``'s scope (or the synthetic scope of the command) and ``period``."""
    scope = scope or scope_name(user)
    filler = _Filler(user, period, scope)
    blocks: list[Block] = []
    title = ""
    for raw in (body or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("###"):
            blocks.append(Block("section", filler.fill(line.lstrip("#").strip())))
        elif line.startswith("##"):
            blocks.append(Block("part", filler.fill(line.lstrip("#").strip())))
        elif line.startswith("#"):
            block = Block("title", filler.fill(line.lstrip("#").strip()))
            title = title or "".join(p if isinstance(p, str) else p.text for p in block.parts)
            blocks.append(block)
        else:
            blocks.append(Block("paragraph", filler.fill(line)))
    return Report(title or "情况汇报", blocks, period, scope, timezone.localtime(), filler.figures, _unique(filler.problems))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- Word --------------------------------------------------------------------------------------

FONT_TITLE, FONT_BODY, FONT_PART, FONT_SECTION = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"


def _run(paragraph, text: str, *, font: str, size: int, bold: bool = False, highlight=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    if highlight is not None:
        run.font.highlight_color = highlight
    return run


def docx_bytes(report: Report) -> bytes:
    """The report as a Word document: A4, 公文 margins and type (GB/T 9704)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    document.core_properties.title = report.title
    document.core_properties.subject = f"统计期间：{report.period.span}；数据范围：{report.scope}"
    document.core_properties.author = "干部人才梯队建设管理平台"

    for block in report.blocks:
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
        fmt.space_before = fmt.space_after = Pt(0)
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.line_spacing = Pt(36)
            fmt.space_after = Pt(18)
            font, size = FONT_TITLE, 22
        elif block.kind == "part":
            fmt.first_line_indent = Pt(32)
            font, size = FONT_PART, 16
        elif block.kind == "section":
            fmt.first_line_indent = Pt(32)
            font, size = FONT_SECTION, 16
        else:
            fmt.first_line_indent = Pt(32)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            font, size = FONT_BODY, 16
        for part in block.parts:
            if isinstance(part, str):
                _run(paragraph, part, font=font, size=size)
            else:
                colour = None
                if part.state == UNKNOWN:
                    colour = WD_COLOR_INDEX.PINK
                elif part.marked:
                    colour = WD_COLOR_INDEX.YELLOW
                _run(paragraph, part.text, font=font, size=size, highlight=colour)
    footer = document.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(footer, f"（统计期间：{report.period.span}；数据范围：{report.scope}；"
                 f"生成时间：{report.generated_at:%Y年%m月%d日 %H:%M}）", font=FONT_BODY, size=10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def figure_rows(report: Report) -> list[dict]:
    """The report's figures for the one-sheet export."""
    rows = []
    for f in report.filled:
        figure = registry.find(f.key)
        rows.append({
            "label": f.label or (figure.label if figure else f.key),
            "key": f.key,
            "value": f.value if f.state == OK else None,
            "unit": f.unit,
            "period": f.period.label if f.period else report.period.label,
            "note": "" if f.state == OK else f.text.strip("【】"),
        })
    return rows


def default_date() -> date:
    return periods.today()
