"""The 干部任免审批表 as data: what the form shows, independent of where it comes from.

A ``FormData`` holds the form's fields as the form writes them (texts, month
dates, the 简历 lines, the family rows, the photo as JPEG bytes). Sources (the
young-cadre bank, a promoted reserve cadre) fill one; the writers (print view,
``.docx``, ``.lrmx``) read one; the ``.lrmx`` reader produces one. Nothing here
touches the database.

Conventions of the form, kept in one place:

- dates are months: shown ``1990.05`` on the form, ``199005`` in ``.lrmx``;
- the age in 出生年月(岁) is counted in whole years between the birth month and
  the month of 计算年龄时间 (the editing tool counts the same way, so a form
  and its ``.lrmx`` always agree);
- a 简历 line is ``2008.09--2012.07  XX大学XX专业学习``; an open line (the
  current post) leaves the end blank; a line of text without dates continues
  the line above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date


class FormValueError(ValueError):
    """A value of the form that cannot be read; the message is for the user (Chinese)."""


# --- months -------------------------------------------------------------------------------

_MONTH = re.compile(
    r"^\s*(\d{4})\s*(?:[.．。/\-—－年]\s*)?(\d{1,2})?\s*(?:月)?\s*(?:(?:[.．/\-—－]\s*)?(\d{1,2})\s*日?)?\s*$"
)


def ym(value: date | None) -> str:
    """``1990.05`` (the form's way of writing a date), or ``""``."""
    return f"{value.year:04d}.{value.month:02d}" if value else ""


def ym_compact(value: date | None) -> str:
    """``199005`` (the ``.lrmx`` way), or ``""``."""
    return f"{value.year:04d}{value.month:02d}" if value else ""


def same_month(a: date | None, b: date | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.year, a.month) == (b.year, b.month)


def parse_month(text: str | None, *, label: str = "日期") -> date | None:
    """Read a month as offices write it: ``199005``, ``19900517``, ``1990.05``, ``1990.5``,
    ``1990-05``, ``1990年5月``, ``1990.05.17``. Returns the first of that month, or None
    for an empty value. Raises FormValueError (Chinese) for anything else, e.g. ``2023.13``."""
    text = (text or "").strip().replace("\u3000", "")
    if not text:
        return None
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if text.isdigit() and not compact:
        raise FormValueError(f"{label}“{text}”不是有效的年月，应写成“1990.05”或“199005”。")
    if compact:
        year, month = int(compact.group(1)), int(compact.group(2))
    else:
        m = _MONTH.match(text)
        if not m or m.group(2) is None:
            raise FormValueError(f"{label}“{text}”不是有效的年月，应写成“1990.05”或“199005”。")
        year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise FormValueError(f"{label}“{text}”中的月份不存在（应为 01 至 12）。")
    if not 1900 <= year <= 2100:
        raise FormValueError(f"{label}“{text}”中的年份不合理。")
    return date(year, month, 1)


def age_at(birth: date | None, when: date | None) -> int | None:
    """Whole years from the birth month to the month of ``when`` (the form's 岁)."""
    if birth is None or when is None:
        return None
    return when.year - birth.year - (1 if when.month < birth.month else 0)


# --- 简历 -----------------------------------------------------------------------------------

RESUME_DASH = "--"
# A date range at the start of a line: 2008.09--2012.07, 2008.09-2012.07, 2008.09－2012.07,
# 2008.09——2012.07, 200809--201207, 2008年9月至2012年7月, 2016.08-- (open).
_RANGE = re.compile(
    r"^\s*(?P<start>\d{4}\s*[.．。/\-年]?\s*\d{1,2}\s*月?)"
    r"\s*(?:-{1,2}|－{1,2}|—{1,2}|–{1,2}|~|～|至)\s*"
    r"(?P<end>\d{4}\s*[.．。/\-年]?\s*\d{1,2}\s*月?)?"
    r"(?P<text>.*)$"
)
# The width of "2008.09--2012.07" plus two spaces: continuation lines start here.
RESUME_INDENT = " " * 18


@dataclass
class ResumeLine:
    start: date
    end: date | None
    text: str

    @property
    def period(self) -> str:
        """``2008.09--2012.07`` or ``2016.08--`` (still in this post)."""
        return f"{ym(self.start)}{RESUME_DASH}{ym(self.end)}"

    def render(self) -> str:
        head = f"{self.period:<16}  "
        lines = self.text.split("\n")
        return "\n".join([head + lines[0]] + [RESUME_INDENT + extra for extra in lines[1:]])


def render_resume(lines: list[ResumeLine]) -> str:
    return "\n".join(line.render() for line in lines)


def _split_month_text(text: str) -> str:
    # "2008年9月" -> "2008.9", so parse_month reads it.
    return re.sub(r"\s+", "", text).replace("月", "")


def parse_resume(text: str | None) -> list[ResumeLine]:
    """The form's 简历 text back into dated lines. A line without a leading date range
    continues the line above it (wrapped text, an "其间" note). Raises FormValueError
    naming the line for a bad date or text before the first dated line."""
    result: list[ResumeLine] = []
    raw_lines = re.split(r"\r\n|\r|\n", text or "")
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        m = _RANGE.match(line)
        if m:
            start = parse_month(_split_month_text(m.group("start")), label=f"简历第 {number} 行的起始时间")
            end = parse_month(_split_month_text(m.group("end")), label=f"简历第 {number} 行的截止时间") if m.group("end") else None
            if end is not None and end < start:
                raise FormValueError(f"简历第 {number} 行的截止时间早于起始时间。")
            result.append(ResumeLine(start=start, end=end, text=m.group("text").strip()))
        elif result:
            result[-1].text = f"{result[-1].text}\n{line.strip()}" if result[-1].text else line.strip()
        else:
            raise FormValueError(f"简历第 {number} 行没有起止时间（应写成“2008.09--2012.07  XX大学学习”）。")
    return result


# --- family -------------------------------------------------------------------------------

FAMILY_ROWS_SHOWN = 7  # the printed form's family table has at least this many rows
FAMILY_ROWS_MAX = 10


@dataclass
class FamilyRow:
    relation: str = ""  # 称谓: 妻子, 儿子, 父亲 …
    name: str = ""
    birth: date | None = None
    political_status: str = ""
    work_unit_post: str = ""

    def age(self, when: date | None) -> int | None:
        return age_at(self.birth, when)


# --- the form -------------------------------------------------------------------------------


@dataclass
class FormData:
    """One 干部任免审批表. Texts are as printed; dates are months (see module docstring)."""

    # Page 1
    name: str = ""
    sex: str = ""  # 男 / 女
    birth: date | None = None
    ethnicity: str = ""  # 汉族
    native_place: str = ""  # 籍贯, as written on the form: 湖北崇阳
    birth_place: str = ""
    party_join: date | None = None  # 入党时间
    work_start: date | None = None  # 参加工作时间
    health: str = ""
    professional_title: str = ""  # 专业技术职务
    specialty: str = ""  # 熟悉专业有何专长
    fulltime_education: str = ""
    fulltime_degree: str = ""
    fulltime_school: str = ""  # 毕业院校系及专业 of the education
    fulltime_degree_school: str = ""  # … of the degree, when it differs
    inservice_education: str = ""
    inservice_degree: str = ""
    inservice_school: str = ""
    inservice_degree_school: str = ""
    current_post: str = ""  # 现任职务
    proposed_post: str = ""  # 拟任职务
    proposed_removal: str = ""  # 拟免职务
    resume: list[ResumeLine] = field(default_factory=list)
    # Page 2
    rewards: str = ""  # 奖惩情况
    assessments: str = ""  # 年度考核结果
    reason: str = ""  # 任免理由
    family: list[FamilyRow] = field(default_factory=list)
    reporting_unit: str = ""  # 呈报单位
    approval_opinion: str = ""  # 审批机关意见 (written by hand on paper, normally)
    admin_opinion: str = ""  # 行政机关任免意见
    filled_by: str = ""  # 填表人
    filled_on: date | None = None  # 填表时间
    age_date: date | None = None  # 计算年龄时间
    # Exchange only (not printed)
    id_number: str = ""
    photo: bytes | None = None  # JPEG
    version: str = ""

    @property
    def age(self) -> int | None:
        return age_at(self.birth, self.age_date)

    @property
    def birth_with_age(self) -> str:
        """``1990.05（34岁）`` as the form's 出生年月(岁) cell shows it."""
        if not self.birth:
            return ""
        age = self.age
        return f"{ym(self.birth)}（{age}岁）" if age is not None else ym(self.birth)

    @property
    def resume_text(self) -> str:
        return render_resume(self.resume)

    def family_rows(self, minimum: int = FAMILY_ROWS_SHOWN) -> list[FamilyRow | None]:
        """The family rows padded with blanks to the printed table's height."""
        rows: list[FamilyRow | None] = list(self.family[:FAMILY_ROWS_MAX])
        return rows + [None] * max(0, minimum - len(rows))

    def copy(self, **changes) -> "FormData":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["resume"] = [ResumeLine(r.start, r.end, r.text) for r in self.resume]
        values["family"] = [FamilyRow(**vars(r)) for r in self.family]
        values.update(changes)
        return FormData(**values)


# The fields a person carries from form to form (what an ``.lrmx`` import compares and
# writes), as opposed to the appointment's fields (拟任、拟免、理由、呈报单位、填表人 …).
PERSON_FIELDS = (
    "name", "sex", "birth", "ethnicity", "native_place", "birth_place", "party_join", "work_start", "health",
    "professional_title", "specialty",
    "fulltime_education", "fulltime_degree", "fulltime_school", "fulltime_degree_school",
    "inservice_education", "inservice_degree", "inservice_school", "inservice_degree_school",
    "current_post", "resume", "rewards", "assessments", "family", "id_number", "photo",
)
APPOINTMENT_FIELDS = (
    "proposed_post", "proposed_removal", "reason", "reporting_unit", "filled_by", "filled_on", "age_date",
)

LABELS = {
    "name": "姓名", "sex": "性别", "birth": "出生年月", "ethnicity": "民族", "native_place": "籍贯",
    "birth_place": "出生地", "party_join": "入党时间", "work_start": "参加工作时间", "health": "健康状况",
    "professional_title": "专业技术职务", "specialty": "熟悉专业有何专长",
    "fulltime_education": "全日制教育学历", "fulltime_degree": "全日制教育学位",
    "fulltime_school": "全日制教育毕业院校系及专业", "fulltime_degree_school": "全日制教育学位授予院校系及专业",
    "inservice_education": "在职教育学历", "inservice_degree": "在职教育学位",
    "inservice_school": "在职教育毕业院校系及专业", "inservice_degree_school": "在职教育学位授予院校系及专业",
    "current_post": "现任职务", "proposed_post": "拟任职务", "proposed_removal": "拟免职务", "resume": "简历",
    "rewards": "奖惩情况", "assessments": "年度考核结果", "reason": "任免理由", "family": "家庭主要成员及重要社会关系",
    "reporting_unit": "呈报单位", "approval_opinion": "审批机关意见", "admin_opinion": "行政机关任免意见",
    "filled_by": "填表人", "filled_on": "填表时间", "age_date": "计算年龄时间", "id_number": "身份证号码",
    "photo": "照片", "version": "版本",
}


def family_text(row: FamilyRow) -> str:
    parts = [row.relation, row.name, ym(row.birth), row.political_status, row.work_unit_post]
    return " ".join(p for p in parts if p)


def display(form: FormData, name: str) -> str:
    """A field as one comparable, human-readable text (used by the import preview's
    field-by-field differences). Months compare as months."""
    value = getattr(form, name)
    if name == "resume":
        return render_resume(value)
    if name == "family":
        return "\n".join(family_text(r) for r in value)
    if name == "photo":
        return f"有照片（{len(value) // 1024 or 1} KB）" if value else "无照片"
    if isinstance(value, date):
        return ym(value)
    return (value or "").strip()


def differences(old: FormData, new: FormData, names=PERSON_FIELDS) -> list[dict]:
    """Field-by-field differences: ``[{"field", "label", "old", "new"}]``. The photo
    differs when its bytes do."""
    changes = []
    for name in names:
        if name == "photo":
            if (old.photo or b"") != (new.photo or b""):
                changes.append({"field": name, "label": LABELS[name], "old": display(old, name), "new": display(new, name)})
            continue
        before, after = display(old, name), display(new, name)
        if before != after:
            changes.append({"field": name, "label": LABELS[name], "old": before, "new": after})
    return changes


# --- 奖惩情况 and 年度考核结果 as records -------------------------------------------------------------

NONE_WORDS = {"无", "无。", "暂无", "没有", "无奖惩", "无奖惩情况"}
_REWARD_LINE = re.compile(
    r"^\s*(?P<date>\d{4}\s*(?:[.．。/\-年]\s*\d{1,2}\s*月?|\d{2}))(?:\s*[.．/\-]?\s*\d{1,2}\s*日?)?\s*[，,、：:]?\s*(?P<text>.+)$"
)


@dataclass
class RewardLine:
    date: date
    text: str

    def render(self) -> str:
        return f"{ym(self.date)} {self.text}"


def render_rewards(lines: list[RewardLine]) -> str:
    return "\n".join(line.render() for line in lines)


def parse_rewards(text: str | None) -> list[RewardLine]:
    """奖惩情况 lines ``2019.12 被评为优秀共产党员`` (or ``2019年12月…``); ``无`` is none; an
    indented line continues the one above. Any other line without its year and month is
    refused naming the line: the record needs its date."""
    text = (text or "").strip()
    if not text or text in NONE_WORDS:
        return []
    result = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if not line:
            continue
        m = _REWARD_LINE.match(line)
        if not m:
            if result and raw[:1] in (" ", "\t", "\u3000"):
                result[-1].text = f"{result[-1].text}{line}"  # an indented, wrapped line
                continue
            raise FormValueError(f"奖惩情况第 {number} 行“{line[:20]}”没有年月（应写成“2019.12 被评为……”）。")
        when = parse_month(_split_month_text(m.group("date")), label=f"奖惩情况第 {number} 行的时间")
        result.append(RewardLine(when, m.group("text").strip()))
    return result


ASSESSMENT_RESULTS = ["基本称职", "不称职", "称职", "优秀", "基本合格", "不合格", "合格", "不定等次", "不进行考核"]
_YEAR_RANGE = re.compile(r"(\d{4})\s*(?:年度?)?\s*(?:-|－|—|–|~|～|至)\s*(\d{4})\s*年")
_YEAR = re.compile(r"(\d{4})\s*年")


def render_assessments(results: dict[int, str]) -> str:
    """``2021年度考核优秀；2022年度考核称职。`` from {year: conclusion}."""
    if not results:
        return ""
    return "；".join(f"{year}年度考核{results[year]}" for year in sorted(results)) + "。"


def parse_assessments(text: str | None) -> dict[int, str]:
    """{year: conclusion} from the form's 年度考核结果, written year by year
    (``2021年度考核优秀；2022年度考核称职``), for several years at once
    (``2021年、2022年年度考核均为称职``, ``2021—2023年度考核均为称职``). Raises
    FormValueError when a clause names years without a conclusion, or none at all."""
    text = (text or "").strip()
    if not text or text in NONE_WORDS:
        return {}
    results: dict[int, str] = {}
    for clause in re.split(r"[；;。\n]", text):
        if not clause.strip():
            continue
        years: list[int] = []
        for start, end in _YEAR_RANGE.findall(clause):
            years.extend(range(int(start), int(end) + 1))
        years.extend(int(y) for y in _YEAR.findall(_YEAR_RANGE.sub("", clause)))
        found = [(clause.find(word), word) for word in ASSESSMENT_RESULTS if word in clause]
        if not years:
            raise FormValueError(f"年度考核结果“{clause.strip()[:30]}”没有写明年度（应写成“2021年度考核称职”）。")
        if not found:
            raise FormValueError(f"年度考核结果“{clause.strip()[:30]}”没有写明考核结论（优秀、称职、基本称职、不称职等）。")
        # "基本称职" contains "称职": the earliest, longest word is the conclusion.
        conclusion = min(found, key=lambda item: (item[0], -len(item[1])))[1]
        for year in years:
            results[year] = conclusion
    return results
