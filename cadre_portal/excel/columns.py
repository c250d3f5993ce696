"""Typed spreadsheet columns.

A ``Column`` is a django-import-export ``Field`` (so a registry is a real
``ModelResource`` with Chinese column names) that also knows how to read an
office cell (``parse``), how to write one (``to_cell``), what the template's
notes sheet says about it and which dropdown it offers. Parsing raises
``CellError`` with a Chinese message; the engine adds row number and header.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from import_export.fields import Field

from cadre_portal import codes, idcard
from cadre_portal.excel.reading import clean_text, header_key, is_blank_text

_counter = itertools.count()


class CellError(ValueError):
    """One cell cannot be accepted; the message is for the user."""


# Leading characters that make Excel/WPS treat text as a formula. Exports write such
# text as a quote-prefixed text cell (``writing.TextCells``), the value unchanged.
# Exports made before that put a single quote in front: an import still removes
# that one quote (``unescape_text``), so those files re-import as they were.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def unescape_text(text: str) -> str:
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


class Column(Field):
    """One spreadsheet column bound to a model attribute.

    ``target`` is the attribute an import writes (``village_id`` for a
    foreign key); ``export_paths`` the ``values_list`` lookups an export reads
    (joins, never a query per row); ``to_cell`` turns those values into the
    cell value.
    """

    text_format = False  # format the column as text ('@') in templates
    kind_note = ""
    # The parsed value depends only on the cell (and the file's context), is immutable,
    # and repeats: validation remembers it per distinct cell within one file.
    memoize = False

    def __init__(self, attribute, header, *, required=False, aliases=(), note="", width=14, target=None,
                 export_paths=None, importable=True, exportable=True, example="", compare_path=None):
        super().__init__(attribute=attribute, column_name=header)
        self.header = header
        self.required = required
        self.aliases = tuple(aliases)
        self.note = note
        self.width = width
        self.target = target or attribute
        # The lookup that reads the stored value to compare with the file's.
        self.compare_path = compare_path or self.target
        self.export_paths = tuple(export_paths) if export_paths else (attribute,)
        self.importable = importable
        self.exportable = exportable
        self.example = example
        self.order = next(_counter)

    # --- import ---
    def parse(self, raw, ctx):
        """The Python value for a non-empty cell, or raise CellError."""
        return unescape_text(clean_text(raw))

    def empty_value(self):
        return ""

    def read(self, raw, ctx):
        if raw is None or (type(raw) is str and is_blank_text(raw)):
            if self.required:
                raise CellError("必填项，不能为空。")
            return self.empty_value()
        return self.parse(raw, ctx)

    # --- export ---
    def to_cell(self, values: tuple, ctx):
        value = values[0]
        return value if value not in (None, "") else None

    def cell_function(self, ctx):
        """``values -> cell`` for one export, prepared once: what ``to_cell`` gives.
        A plain column passes its value through; any other remembers the cells of up to
        ``EXPORT_MEMO`` distinct values (coded values, villages, stages repeat on every
        row), so memory stays bounded however many rows are exported."""
        if type(self).to_cell is Column.to_cell:
            return _plain_cell
        return _memo_cell(self.to_cell, ctx)

    def apply_bounds(self, model) -> None:
        """Take the model field's declared range (``cadre_portal.bounds``) where this column
        sets none itself (hook: number and date columns)."""

    def model_field_range(self, model):
        """The declared range of the model field this column reads (``a__b`` follows relations)."""
        from cadre_portal import bounds

        parts = self.attribute.split("__") if self.attribute else []
        current = model
        try:
            for part in parts[:-1]:
                current = current._meta.get_field(part).related_model
            if current is None or not parts:
                return None
            current._meta.get_field(parts[-1])
        except Exception:  # noqa: BLE001 - not a model field path (a computed column)
            return None
        return bounds.limits(current, parts[-1])

    def cross_check(self, row) -> None:
        """Checks against other cells of the same row, after every cell is read (hook):
        call ``row.error``; may fill ``row.values`` (a value derived from another cell)."""

    def dropdown(self, ctx) -> list[str] | None:
        return None

    def describe(self, ctx) -> str:
        parts = [self.note] if self.note else []
        if self.kind_note:
            parts.append(self.kind_note)
        return "；".join(parts)

    def header_keys(self) -> list[str]:
        return [header_key(self.header)] + [header_key(a) for a in self.aliases]


EXPORT_MEMO = 1000


def _plain_cell(values):
    value = values[0]
    return value if value is not None and value != "" else None


def _memo_cell(to_cell, ctx, limit=EXPORT_MEMO):
    memo: dict = {}

    def cell(values):
        try:
            return memo[values]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (a JSON column): no memo
            return to_cell(values, ctx)
        result = to_cell(values, ctx)
        if len(memo) < limit:
            memo[values] = result
        return result

    return cell


class TextColumn(Column):
    def __init__(self, attribute, header, *, max_length=None, **kw):
        super().__init__(attribute, header, **kw)
        self.max_length = max_length

    def parse(self, raw, ctx):
        text = unescape_text(clean_text(raw))
        if self.max_length and len(text) > self.max_length:
            raise CellError(f"最多 {self.max_length} 个字，当前 {len(text)} 个字。")
        return text


class _RangeMixin:
    """``min_value``/``max_value``: given, or taken from the model's declared range."""

    def apply_bounds(self, model) -> None:
        if self.min_value is not None or self.max_value is not None:
            return
        rng = self.model_field_range(model)
        if rng is not None:
            self.min_value, self.max_value = rng.low, rng.high

    def range_error(self, value):
        from cadre_portal.bounds import Range, message_for

        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            return CellError(message_for(self.header, Range(low, high)))
        return None


class IntegerColumn(_RangeMixin, Column):
    def __init__(self, attribute, header, *, min_value=None, max_value=None, **kw):
        super().__init__(attribute, header, **kw)
        self.min_value, self.max_value = min_value, max_value

    def empty_value(self):
        return None

    def parse(self, raw, ctx):
        if isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        else:
            text = clean_text(raw)
            if not re.fullmatch(r"-?\d+", text):
                raise CellError("应填写整数。")
            value = int(text)
        error = self.range_error(value)
        if error:
            raise error
        return value


class DecimalColumn(_RangeMixin, Column):
    def __init__(self, attribute, header, *, places=1, min_value=None, max_value=None, **kw):
        super().__init__(attribute, header, **kw)
        self.places, self.min_value, self.max_value = places, min_value, max_value

    def empty_value(self):
        return None

    def parse(self, raw, ctx):
        try:
            value = Decimal(str(raw).strip()) if not isinstance(raw, float) else Decimal(repr(raw))
        except (InvalidOperation, ValueError):
            raise CellError("应填写数字。") from None
        if not value.is_finite():
            raise CellError("应填写数字。")
        quant = Decimal(1).scaleb(-self.places)
        if value != value.quantize(quant):
            raise CellError(f"最多保留 {self.places} 位小数。")
        value = value.quantize(quant)
        error = self.range_error(value)
        if error:
            raise error
        return value

    def to_cell(self, values, ctx):
        value = values[0]
        return float(value) if value is not None else None


class BooleanColumn(Column):
    memoize = True
    TRUE = {"是", "1", "Y", "YES", "TRUE", "√", "✓", "对"}
    FALSE = {"否", "0", "N", "NO", "FALSE", "×", "X", "不是"}
    kind_note = "填“是”或“否”"

    def empty_value(self):
        return False

    def parse(self, raw, ctx):
        if isinstance(raw, bool):
            return raw
        text = clean_text(raw).upper()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError("请填写“是”或“否”。")

    def to_cell(self, values, ctx):
        return "是" if values[0] else "否"

    def dropdown(self, ctx):
        return ["是", "否"]


class CodeColumn(Column):
    """A coded value (民族, 政治面貌 …): the file may give the code or the name;
    exports and dropdowns show the name."""

    memoize = True

    def __init__(self, attribute, header, *, choices, **kw):
        super().__init__(attribute, header, **kw)
        self._choices = choices

    def choices(self):
        return self._choices() if callable(self._choices) else self._choices

    def parse(self, raw, ctx):
        value = raw
        if isinstance(raw, float) and raw.is_integer():
            value = str(int(raw))
        text = clean_text(value)
        # Zero-padded codes typed as numbers (民族 "01" -> 1).
        code = codes.lookup(self.choices(), text)
        if code is None and text.isdigit():
            code = codes.lookup(self.choices(), text.zfill(2))
        if code is None:
            raise CellError(f"“{text}”不是有效的{self.header}，请从下拉列表中选择（可填名称或代码）。")
        return code

    def to_cell(self, values, ctx):
        labels = ctx.cache.get(id(self))
        if labels is None:
            # One lookup table per export, not a scan of the choices per cell.
            labels = ctx.cache[id(self)] = dict(self.choices())
        code = values[0]
        return labels.get(code, code) or None

    def dropdown(self, ctx):
        return [name for _code, name in self.choices()]

    def describe(self, ctx):
        base = super().describe(ctx)
        names = self.dropdown(ctx) or [name for _code, name in self.choices()]
        listed = "、".join(names[:12]) + ("……（见下拉列表）" if len(names) > 12 else "")
        return (base + "；" if base else "") + f"可填名称或代码：{listed}"


class SexColumn(CodeColumn):
    """性别 (GB/T 2261.1). With ``id_of`` (the target of the row's ID-number column) it must
    agree with the number's sex digit, and an empty cell takes it."""

    def __init__(self, attribute="sex", header="性别", *, id_of=None, **kw):
        kw.setdefault("width", 6)
        super().__init__(attribute, header, choices=codes.SEX, **kw)
        self.id_of = id_of

    def cross_check(self, row) -> None:
        number = row.values.get(self.id_of) if self.id_of else None
        if not number or len(number) != 18:
            return
        sex = "1" if int(number[16]) % 2 else "2"
        value = row.values.get(self.target)
        if value and value != sex:
            row.error(self.header, f"性别与身份证号码不符（号码显示为{codes.label(codes.SEX, sex)}）。")
        elif not value and self.target in row.present:
            row.values[self.target] = sex


class MultiCodeColumn(CodeColumn):
    """Several codes in one cell, separated by 、，, ; or spaces; stored joined by ``joiner``."""

    SPLIT = re.compile(r"[、，,;；/\s]+")

    def __init__(self, attribute, header, *, choices, joiner=",", **kw):
        super().__init__(attribute, header, choices=choices, **kw)
        self.joiner = joiner

    def parse(self, raw, ctx):
        items = [part for part in self.SPLIT.split(clean_text(raw)) if part]
        result = []
        for item in items:
            code = codes.lookup(self.choices(), item)
            if code is None:
                raise CellError(f"“{item}”不是有效的{self.header}（多个值用顿号分隔）。")
            if code not in result:
                result.append(code)
        return self.joiner.join(result)

    def to_cell(self, values, ctx):
        raw = values[0] or ""
        return "、".join(codes.label(self.choices(), code) for code in raw.split(self.joiner) if code) or None

    def dropdown(self, ctx):
        return None


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$"), True),
    (re.compile(r"^(\d{4})[.\-/年](\d{1,2})月?$"), False),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), True),
    (re.compile(r"^(\d{4})(\d{2})$"), False),
]
EXCEL_EPOCH = date(1899, 12, 30)


class MonthDate(date):
    """A date known only to its month (出生年月 written ``1987.11``, ``1990年9月``, ``197504``):
    the first of that month, marked so a check can compare year and month only.

    Never stored: ``engine.validate`` turns any that is left into a plain ``date``."""

    month_only = True

    def __repr__(self) -> str:
        return f"MonthDate({self.year}, {self.month})"

    def __reduce__(self):
        return (MonthDate, (self.year, self.month, 1))


def parse_date(raw) -> date:
    """Excel dates, and text as offices write it: 1990.05, 1990-05-01, 1990/5/1,
    1990年5月, 1990年5月1日, 199005, 19900501. A month alone gives a ``MonthDate``
    (the first of the month, marked as known only to the month)."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, float) and not raw.is_integer():
        # 1990.05 typed into a General cell arrives as a number.
        text = f"{raw:.2f}"
        if f"{raw:.1f}" == repr(raw) and text.endswith("0") and 1900 < raw < 2200:
            raise CellError(f"日期 {raw} 被 Excel 存成了数字，无法区分 1 月和 10 月；请把该列设为文本格式，按 1990.10 填写。")
        return parse_date(text)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number = int(raw)
        if 1 <= number <= 99999 and not (1900 <= number <= 2200):
            from datetime import timedelta

            return EXCEL_EPOCH + timedelta(days=number)
        raw = str(number)
    text = re.sub(r"\s+", "", clean_text(raw))
    for pattern, has_day in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if has_day else 1
            try:
                value = date(year, month, day) if has_day else MonthDate(year, month, 1)
            except ValueError:
                raise CellError(f"日期“{text}”不存在。") from None
            if not 1900 <= year <= 2200:
                raise CellError(f"日期“{text}”的年份不合理。")
            return value
    raise CellError(f"无法识别日期“{text}”，请按 1990.05、1990-05-01 或 1990年5月 的格式填写。")


def plain_date(value):
    """A ``MonthDate`` as the plain ``date`` it stands for; anything else unchanged."""
    if type(value) is MonthDate:
        return date(value.year, value.month, value.day)
    return value


class DateColumn(_RangeMixin, Column):
    """A date. ``allow_month`` (default): a month alone (``2015.06``) is accepted and means the
    first of that month; ``allow_month=False`` requires a full date (a training session's
    day). ``birth_of``: the target of the row's ID-number column; the date must then agree
    with the birth date in the number (a month alone: its year and month), an empty cell
    takes it, and the number's full date is stored."""

    text_format = True

    def __init__(self, attribute, header, *, allow_month=True, birth_of=None, min_value=None, max_value=None, **kw):
        super().__init__(attribute, header, **kw)
        self.allow_month = allow_month
        self.birth_of = birth_of
        self.min_value, self.max_value = min_value, max_value

    @property
    def kind_note(self):
        if self.birth_of:
            return "可填 1990.05、1990年5月、199005（只到月份），或 1990-05-01 等完整日期"
        if self.allow_month:
            return "日期可填 1990-05-01、1990.5.1、1990年5月1日；只填到月份（1990.05）时按该月1日记"
        return "填完整日期：2026-03-20、2026.3.20、2026年3月20日 或 20260320"

    def empty_value(self):
        return None

    def parse(self, raw, ctx):
        value = parse_date(raw)
        if type(value) is MonthDate and not self.allow_month:
            raise CellError(f"“{clean_text(raw)}”只有年月，请填写完整日期（年月日），如 {value.year}-{value.month:02d}-15。")
        error = self.range_error(value)
        if error:
            raise error
        return value

    def cross_check(self, row) -> None:
        """Agreement with the ID number of the same row (see ``birth_of``)."""
        number = row.values.get(self.birth_of) if self.birth_of else None
        if not number or len(number) != 18:
            return
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        value = row.values.get(self.target)
        if value in (None, ""):
            if self.target in row.present:
                row.values[self.target] = birth
            return
        if type(value) is MonthDate:
            if (value.year, value.month) != (birth.year, birth.month):
                row.error(self.header, f"出生年月与身份证号码不符（号码显示为{birth.year}年{birth.month}月）。")
                return
        elif value != birth:
            row.error(self.header, f"{self.header}与身份证号码不符（号码显示为{birth.year}年{birth.month}月{birth.day}日）。")
            return
        row.values[self.target] = birth


class IDNumberColumn(Column):
    """Resident ID numbers: text, lower-case x accepted, numbers mangled by Excel refused.
    Exports mask the number for roles that see it masked."""

    text_format = True
    kind_note = "18位居民身份证号码；该列须为文本格式，否则 Excel 会丢掉末尾几位"

    def __init__(self, attribute="id_number", header="身份证号码", **kw):
        kw.setdefault("width", 22)
        super().__init__(attribute, header, **kw)

    def parse(self, raw, ctx):
        if isinstance(raw, str):
            raw = unescape_text(raw.strip())
        try:
            return idcard.parse(raw).number
        except idcard.IDNumberError as exc:
            raise CellError(str(exc)) from None

    def to_cell(self, values, ctx):
        number = values[0] or ""
        return idcard.mask(number) if ctx.mask_id_numbers else number

    def cell_function(self, ctx):
        if type(self).to_cell is not IDNumberColumn.to_cell:
            return super().cell_function(ctx)
        if ctx.mask_id_numbers:
            return lambda values: idcard.mask(values[0] or "")
        return lambda values: values[0] or ""  # unique values: nothing to remember


class RegionColumn(Column):
    """A region of the user's scope, by statistical code, name (when unique in the
    scope) or township+village name. A region outside the scope reads exactly like
    one that does not exist."""

    memoize = True

    def __init__(self, attribute, header, *, levels=(5,), **kw):
        kw.setdefault("target", f"{attribute}_id")
        kw.setdefault("export_paths", (f"{attribute}__name", f"{attribute}__parent__name", f"{attribute}__code"))
        kw.setdefault("width", 20)
        super().__init__(attribute, header, **kw)
        self.levels = tuple(levels)

    def _index(self, ctx):
        return ctx.region_index(self.levels)

    def parse(self, raw, ctx):
        text = re.sub(r"\s+", "", clean_text(raw))
        index = self._index(ctx)
        pk = index.by_key.get(text)
        if pk is None:
            if text in index.ambiguous:
                raise CellError(f"“{text}”有重名，请填写乡镇名加村名（如“{index.ambiguous[text]}”）或区划代码。")
            raise CellError(f"“{text}”不在您的管辖范围内或不存在，请从下拉列表中选择。")
        return pk

    def to_cell(self, values, ctx):
        name, parent_name, code = values
        if not name:
            return None
        return ctx.region_label(name, parent_name, code, self.levels)

    def dropdown(self, ctx):
        return self._index(ctx).labels

    def describe(self, ctx):
        base = super().describe(ctx)
        return (base + "；" if base else "") + "从下拉列表选择，也可填区划代码"


class PersonNameColumn(TextColumn):
    """A person's name, read by the same rules as every form (``people.clean_name``):
    Han characters, the middle dot of minority names and the documented extra set;
    zero-width characters, emoji and markup get a Chinese message."""

    def __init__(self, attribute="name", header="姓名", **kw):
        kw.setdefault("max_length", 32)
        kw.setdefault("width", 10)
        super().__init__(attribute, header, **kw)

    def parse(self, raw, ctx):
        from django.core.exceptions import ValidationError

        from cadre_portal.people import clean_name

        try:
            return clean_name(super().parse(raw, ctx))
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None
