"""The ``.lrmx`` exchange file of the 干部任免审批表 editing tool: writer and reader.

An ``.lrmx`` is UTF-8 XML with the root ``<Person>`` and one element per form
field, named in pinyin (``ELEMENTS`` below, in the order written); dates are
``yyyyMM``; ``JiaTingChengYuan`` holds one ``<Item>`` per family member; the
photo is base64 JPEG in ``ZhaoPian``; ``Version`` closes the file. What we
write passes ``schema/lrmx.xsd`` (a test checks every export against it).

Reading is defensive, because real files are messy and some are hostile:

1. before any parser runs: the size (``DOCUMENTS_LRMX_MAX_BYTES``), the
   encoding (a UTF-8 or UTF-16 BOM, a declared ``GB2312``/``GBK``/``GB18030``,
   a file declared UTF-8 that is really GBK), and any ``<!DOCTYPE`` or
   ``<!ENTITY`` (billion laughs, external entities) — refused outright;
2. then defusedxml (DTDs, entities and external references forbidden again);
3. then every value: missing optional elements are empty; dates in any of the
   ways offices write them (``199005``, ``1990.05``, ``1990-5``) but a month
   that does not exist is an error; ``--``, ``－``, ``—`` and ``至`` all separate
   a 简历 date range; a family row with no name is skipped; the resident ID
   must be valid and agree with 出生年月 and 性别; the photo must be an image
   of bounded size.

Every refusal is a ``LrmxError`` with one Chinese message for the whole file.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings

from cadre_portal import idcard
from cadre_portal.documents import photos
from cadre_portal.documents.formdata import (
    FamilyRow,
    FormData,
    FormValueError,
    parse_month,
    parse_resume,
    render_resume,
    same_month,
    ym_compact,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "lrmx.xsd"
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
DEFAULT_VERSION = "3.2"

# (element, FormData attribute, kind) in the order the file lists them.
# kind: "text", "month", "resume", "family", "photo".
ELEMENTS: list[tuple[str, str, str]] = [
    ("XingMing", "name", "text"),
    ("XingBie", "sex", "text"),
    ("ChuShengNianYue", "birth", "month"),
    ("MinZu", "ethnicity", "text"),
    ("JiGuan", "native_place", "text"),
    ("ChuShengDi", "birth_place", "text"),
    ("RuDangShiJian", "party_join", "month"),
    ("CanJiaGongZuoShiJian", "work_start", "month"),
    ("JianKangZhuangKuang", "health", "text"),
    ("ZhuanYeJiShuZhiWu", "professional_title", "text"),
    ("ShuXiZhuanYeYouHeZhuanChang", "specialty", "text"),
    ("QuanRiZhiJiaoYu_XueLi", "fulltime_education", "text"),
    ("QuanRiZhiJiaoYu_XueWei", "fulltime_degree", "text"),
    ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "fulltime_school", "text"),
    ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "fulltime_degree_school", "text"),
    ("ZaiZhiJiaoYu_XueLi", "inservice_education", "text"),
    ("ZaiZhiJiaoYu_XueWei", "inservice_degree", "text"),
    ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "inservice_school", "text"),
    ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "inservice_degree_school", "text"),
    ("XianRenZhiWu", "current_post", "text"),
    ("NiRenZhiWu", "proposed_post", "text"),
    ("NiMianZhiWu", "proposed_removal", "text"),
    ("JianLi", "resume", "resume"),
    ("JiangChengQingKuang", "rewards", "multiline"),
    ("NianDuKaoHeJieGuo", "assessments", "multiline"),
    ("RenMianLiYou", "reason", "multiline"),
    ("JiaTingChengYuan", "family", "family"),
    ("ChengBaoDanWei", "reporting_unit", "text"),
    ("JiSuanNianLingShiJian", "age_date", "month"),
    ("TianBiaoShiJian", "filled_on", "month"),
    ("TianBiaoRen", "filled_by", "text"),
    ("ShenFenZheng", "id_number", "text"),
    ("ZhaoPian", "photo", "photo"),
    ("Version", "version", "text"),
]
FAMILY_ELEMENTS: list[tuple[str, str, str]] = [
    ("ChengWei", "relation", "text"),
    ("XingMing", "name", "text"),
    ("ChuShengRiQi", "birth", "month"),
    ("ZhengZhiMianMao", "political_status", "text"),
    ("GongZuoDanWeiJiZhiWu", "work_unit_post", "text"),
]
ELEMENT_LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "ChuShengDi": "出生地", "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况", "ZhuanYeJiShuZhiWu": "专业技术职务", "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间", "ChuShengRiQi": "出生日期",
}
KNOWN = {name for name, _a, _k in ELEMENTS}


class LrmxError(Exception):
    """The file is refused as a whole; the message is for the user (Chinese)."""


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_LRMX_MAX_BYTES", DEFAULT_MAX_BYTES))


def version() -> str:
    return str(getattr(settings, "DOCUMENTS_LRMX_VERSION", DEFAULT_VERSION))


# --- writing ------------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    # XML 1.0 cannot carry control characters other than tab and newline.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def to_element(form: FormData) -> ET.Element:
    root = ET.Element("Person")
    for name, attr, kind in ELEMENTS:
        el = ET.SubElement(root, name)
        value = getattr(form, attr)
        if kind == "month":
            el.text = ym_compact(value)
        elif kind == "resume":
            el.text = _text(render_resume(value))
        elif kind == "family":
            for row in form.family:
                item = ET.SubElement(el, "Item")
                for sub, sub_attr, sub_kind in FAMILY_ELEMENTS:
                    child = ET.SubElement(item, sub)
                    sub_value = getattr(row, sub_attr)
                    child.text = ym_compact(sub_value) if sub_kind == "month" else _text(sub_value)
        elif kind == "photo":
            el.text = base64.b64encode(value).decode("ascii") if value else ""
        elif name == "Version":
            el.text = form.version or version()
        else:
            el.text = _text(value)
    return root


def write(form: FormData) -> bytes:
    """The form as ``.lrmx`` bytes (UTF-8, declaration included)."""
    root = to_element(form)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


# --- reading ------------------------------------------------------------------------------------

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']", re.IGNORECASE)
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
GB_NAMES = {"gb2312", "gbk", "gb18030", "cp936", "ms936", "gb_2312-80", "x-gbk", "euc-cn"}


@dataclass
class LrmxRead:
    """A file read: the form, notes for the user (what was adjusted or skipped), and
    the elements we do not know (ignored)."""

    form: FormData
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # The FormData fields whose elements the file has: an import changes only these
    # (a missing optional element is "not said", never "erase").
    present: set[str] = field(default_factory=set)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: BOM first, then the declared encoding, then UTF-8 with a GBK
    fallback (files declared UTF-8 but saved as GBK are common)."""
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        declared = "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), notes
        except UnicodeDecodeError:
            raise LrmxError("文件编码（UTF-16）有误，无法读取。") from None
    else:
        m = _DECLARED_ENCODING.match(data[:300])
        declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    if declared in GB_NAMES:
        try:
            return data.decode("gb18030"), notes
        except UnicodeDecodeError:
            raise LrmxError("文件声明为 GBK/GB2312 编码，但内容无法按该编码读取，文件可能已损坏。") from None
    if declared in ("utf-8", "utf8"):
        try:
            return data.decode("utf-8"), notes
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise LrmxError("文件编码无法识别（既不是 UTF-8 也不是 GBK），文件可能已损坏。") from None
        notes.append("文件声明为 UTF-8，实际为 GBK 编码，已按 GBK 读取。")
        return text, notes
    try:
        codec = codecs.lookup(declared)
    except LookupError:
        raise LrmxError(f"不支持文件声明的编码“{declared}”，请用任免表软件另存为 UTF-8 后再导入。") from None
    try:
        return data.decode(codec.name), notes
    except UnicodeDecodeError:
        raise LrmxError(f"文件内容无法按其声明的编码“{declared}”读取，文件可能已损坏。") from None


def parse_xml(data: bytes) -> tuple[ET.Element, list[str]]:
    """Pre-check, decode and parse; returns the ``<Person>`` element."""
    if len(data) > max_bytes():
        raise LrmxError(
            f"文件大小为 {_size(len(data))}，超过单个任免表文件的上限 {_size(max_bytes())}"
            f"（照片不应超过 {_size(photos.max_photo_bytes())}）。"
        )
    if not data.strip():
        raise LrmxError("文件是空的。")
    text, notes = decode(data)
    if _DTD.search(text):
        raise LrmxError("文件包含 DTD 或实体声明（<!DOCTYPE>/<!ENTITY>），出于安全原因拒绝读取。")
    text = _DECLARATION.sub("", text, count=1).lstrip("\ufeff")
    try:
        root = safe_fromstring(text.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise LrmxError("文件包含 DTD 或实体声明，出于安全原因拒绝读取。") from None
    except ET.ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        where = f"（第 {line} 行附近）" if line else ""
        raise LrmxError(f"文件不是有效的 XML{where}，可能已损坏，或不是任免表（.lrmx）文件。") from None
    if _local(root.tag) != "Person":
        raise LrmxError(f"不是干部任免审批表文件：根元素应为 Person，实际为 {_local(root.tag)}。")
    return root, notes


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el: ET.Element) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    for child in el:
        found.setdefault(_local(child.tag), child)
    return found


def _value(el: ET.Element | None, *, multiline: bool = False) -> str:
    if el is None:
        return ""
    text = "".join(el.itertext()) if len(el) else (el.text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def _month(el: ET.Element | None, label: str):
    try:
        return parse_month(_value(el), label=label)
    except FormValueError as exc:
        raise LrmxError(str(exc)) from None


def _sex(text: str) -> str:
    text = text.strip()
    return {"1": "男", "2": "女", "男性": "男", "女性": "女"}.get(text, text)


def read(data: bytes, *, require_id: bool = True) -> LrmxRead:
    """Read one ``.lrmx``. Raises LrmxError (Chinese, one message for the file)."""
    root, notes = parse_xml(data)
    found = _children(root)
    form = FormData()
    result = LrmxRead(form=form, notes=notes)
    result.ignored = sorted({_local(c.tag) for c in root if _local(c.tag) not in KNOWN})
    result.present = {attr for name, attr, _kind in ELEMENTS if name in found}
    for name, attr, kind in ELEMENTS:
        el = found.get(name)
        label = ELEMENT_LABELS.get(name, name)
        if kind == "text":
            setattr(form, attr, _value(el))
        elif kind == "multiline":
            setattr(form, attr, _value(el, multiline=True))
        elif kind == "month":
            setattr(form, attr, _month(el, label))
        elif kind == "resume":
            try:
                form.resume = parse_resume(_value(el, multiline=True))
            except FormValueError as exc:
                raise LrmxError(str(exc)) from None
        elif kind == "family":
            form.family = _read_family(el, result)
        elif kind == "photo":
            form.photo = _read_photo(el, result)
    form.sex = _sex(form.sex)
    if form.sex not in ("", "男", "女"):
        raise LrmxError(f"性别“{form.sex}”无法识别，应为“男”或“女”。")
    if not form.name:
        raise LrmxError("文件中没有姓名（XingMing）。")
    _check_identity(form, require_id)
    return result


def _read_family(el: ET.Element | None, result: LrmxRead) -> list[FamilyRow]:
    if el is None:
        return []
    rows: list[FamilyRow] = []
    for number, item in enumerate((c for c in el if _local(c.tag) == "Item"), start=1):
        sub = _children(item)
        values = {}
        for name, attr, kind in FAMILY_ELEMENTS:
            if kind == "month":
                values[attr] = _month(sub.get(name), f"家庭成员第 {number} 行的出生日期")
            else:
                values[attr] = _value(sub.get(name))
        row = FamilyRow(**values)
        if not row.name:
            if row.relation or row.work_unit_post or row.political_status or row.birth:
                result.notes.append(f"家庭成员第 {number} 行没有姓名（{row.relation or '称谓空'}），已跳过。")
            continue
        rows.append(row)
    return rows


def _read_photo(el: ET.Element | None, result: LrmxRead) -> bytes | None:
    raw = re.sub(r"\s+", "", _value(el))
    if not raw:
        return None
    if len(raw) * 3 // 4 > photos.max_photo_bytes():
        raise LrmxError(
            f"照片为 {_size(len(raw) * 3 // 4)}，超过上限 {_size(photos.max_photo_bytes())}，请压缩后再导入。"
        )
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise LrmxError("照片（ZhaoPian）不是有效的 base64 编码。") from None
    try:
        jpeg, notes = photos.normalize(data)
    except FormValueError as exc:
        raise LrmxError(str(exc)) from None
    result.notes.extend(notes)
    return jpeg


def _check_identity(form: FormData, require_id: bool) -> None:
    if not form.id_number:
        if require_id:
            raise LrmxError("文件中没有身份证号码（ShenFenZheng），无法与干部信息对应。")
        return
    try:
        info = idcard.parse(form.id_number)
    except idcard.IDNumberError as exc:
        raise LrmxError(f"身份证号码 {idcard.mask(idcard.normalize(form.id_number))} 有误：{exc}") from None
    form.id_number = info.number
    if form.birth and not same_month(form.birth, info.birth_date):
        raise LrmxError(
            f"出生年月 {form.birth:%Y.%m} 与身份证号码不符（号码显示为 {info.birth_date:%Y.%m}）。"
        )
    expected_sex = "男" if info.sex == "1" else "女"
    if form.sex and form.sex != expected_sex:
        raise LrmxError(f"性别“{form.sex}”与身份证号码不符（号码显示为{expected_sex}）。")
    # The ID number carries the exact day; the form only the month.
    form.birth = info.birth_date
    form.sex = form.sex or expected_sex


def validate_against_schema(data: bytes) -> list[str]:
    """Errors of ``data`` against ``schema/lrmx.xsd`` (empty when it passes)."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.fromstring(data, parser)
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
