"""Identity fields shared by every registry of people.

``PersonFields`` is an abstract model: name, resident ID number, sex, birth
date, ethnicity, political status, education, degree, phone, native place,
plus a pinyin-initials column for search. ``clean()`` validates the ID number
(GB 11643) and checks that the entered sex and birth date agree with it;
when they are left empty they are derived from it.

Names (``clean_name``, the one function every form and import uses): after NFKC
and removing spaces, a name is at most 32 characters of Han script (CJK unified
ideographs, extensions A–I and compatibility ideographs), the middle dot ``·``
that separates the parts of a minority name (``买买提·艾力``; the look-alikes
``•‧∙・．.`` are turned into it), and the documented extra set
``settings.PERSON_NAME_EXTRA_CHARACTERS`` (default ``〇``, which some names use).
Everything else — zero-width and bidirectional control characters, emoji, Latin
letters, markup — is refused with a Chinese message naming the character, so
``张\u200b三`` can never stand beside ``张三`` as a second person.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.migrations.operations.base import Operation
from django.db.models import Q

from cadre_portal import bounds, codes, idcard
from cadre_portal.pinyin import search_keys


NAME_MAX_LENGTH = 32
MIDDLE_DOT = "·"
# Characters people type for the middle dot of a minority name (after NFKC).
_DOT_LOOKALIKES = str.maketrans({c: MIDDLE_DOT for c in "•‧∙⋅・.·"})
_SPACES = re.compile(r"\s+")
# Han script: (first, last) code points.
HAN_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # Unified ideographs
    (0xF900, 0xFAFF),  # Compatibility ideographs (the unified ones among them survive NFKC)
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2EBEF),  # Extensions C, D, E, F
    (0x2EBF0, 0x2EE5F),  # Extension I
    (0x30000, 0x323AF),  # Extensions G, H
)


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return any(first <= cp <= last for first, last in HAN_RANGES)


def extra_name_characters() -> str:
    return getattr(settings, "PERSON_NAME_EXTRA_CHARACTERS", "〇")


def normalize_name(raw) -> str:
    """NFKC, middle-dot look-alikes to ``·``, no whitespace (``张　三`` -> ``张三``)."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return _SPACES.sub("", text.translate(_DOT_LOOKALIKES))


def _describe(ch: str) -> str:
    if unicodedata.category(ch) in {"Cf", "Cc", "Co", "Cs", "Cn"} or not ch.isprintable():
        return f"不可见的字符（U+{ord(ch):04X}），可能是从别处复制带来的"
    return f"“{ch}”"


def clean_name(raw) -> str:
    """The stored form of a person's name, or ValidationError with a Chinese message."""
    name = normalize_name(raw)
    if not name:
        raise ValidationError("请填写姓名。", code="required")
    extra = extra_name_characters()
    for ch in name:
        if not (is_han(ch) or ch == MIDDLE_DOT or ch in extra):
            raise ValidationError(
                f"姓名中有{_describe(ch)}。姓名只能由汉字组成，少数民族姓名各部分之间用间隔号“·”分隔，请删除或改正后重新输入。",
                code="invalid_name",
            )
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in name:
        raise ValidationError("间隔号“·”只能用在姓名中间，分隔少数民族姓名的各部分。", code="invalid_name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"姓名最多 {NAME_MAX_LENGTH} 个字，当前 {len(name)} 个字。", code="invalid_name")
    return name


def validate_person_name(value):
    """Field validator: the name as ``clean_name`` would store it must be acceptable."""
    clean_name(value)


def validate_id_number(value):
    try:
        idcard.parse(value)
    except idcard.IDNumberError as exc:
        raise ValidationError(str(exc), code="invalid_id_number") from None


def age_on(birth: date | None, today: date | None = None) -> int | None:
    if birth is None:
        return None
    today = today or date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class PersonFields(models.Model):
    # Checked by clean() (clean_name), which also stores the normalised spelling.
    name = models.CharField("姓名", max_length=NAME_MAX_LENGTH)
    id_number = models.CharField("身份证号码", max_length=18, db_index=True, validators=[validate_id_number])
    sex = models.CharField("性别", max_length=1, choices=codes.SEX, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=2, choices=codes.ETHNICITY, default="01")
    political_status = models.CharField("政治面貌", max_length=2, choices=codes.POLITICAL_STATUS, default="13")
    education = models.CharField("学历", max_length=4, choices=codes.EDUCATION, blank=True)
    degree = models.CharField("学位", max_length=4, choices=codes.DEGREE, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    native_place = models.CharField("籍贯", max_length=64, blank=True)
    name_initials = models.CharField("姓名拼音首字母", max_length=32, blank=True, db_index=True, editable=False)
    # Six letters per character at most (zhuang, shuang …): 32 characters fit.
    name_pinyin = models.CharField("姓名全拼", max_length=NAME_MAX_LENGTH * 6, blank=True, editable=False)

    field_ranges = bounds.Bounds(birth_date=bounds.BIRTH_DATE)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date)

    @property
    def masked_id_number(self) -> str:
        return idcard.mask(self.id_number)

    def clean(self):
        super().clean()
        errors = {}
        try:
            self.name = clean_name(self.name)
        except ValidationError as exc:
            errors["name"] = exc.messages
        if self.id_number:
            try:
                info = idcard.parse(self.id_number)
            except idcard.IDNumberError as exc:
                errors["id_number"] = str(exc)
            else:
                self.id_number = info.number
                if self.sex and self.sex != info.sex:
                    errors["sex"] = f"性别与身份证号码不符（号码显示为{codes.label(codes.SEX, info.sex)}）。"
                else:
                    self.sex = info.sex
                if self.birth_date and self.birth_date != info.birth_date:
                    errors["birth_date"] = f"出生日期与身份证号码不符（号码显示为{info.birth_date:%Y年%m月%d日}）。"
                else:
                    self.birth_date = info.birth_date
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        """Pinyin search columns, and sex/birth date from a valid ID number."""
        # One cached reading per distinct name (bulk imports call this for every row).
        initials, full = search_keys(self.name or "")
        # Names are at most 32 characters, but a bulk path that skipped clean_name must
        # not fail on the search columns.
        self.name_initials, self.name_pinyin = initials[:NAME_MAX_LENGTH], full[: NAME_MAX_LENGTH * 6]
        if self.id_number and (not self.sex or not self.birth_date):
            try:
                info = idcard.parse(self.id_number)
            except idcard.IDNumberError:
                return
            self.sex = self.sex or info.sex
            self.birth_date = self.birth_date or info.birth_date

    def save(self, *args, **kwargs):
        # Derived search columns are storage detail, not business logic.
        self.fill_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"name_initials", "name_pinyin"}
        super().save(*args, **kwargs)


def name_search_q(text: str, prefix: str = "") -> Q:
    """The one person search every registry uses: a name, its pinyin initials
    (``zs``) or full pinyin (``zhangs``), or an ID number (its last 4+ characters, or
    all 18). Each kind of input becomes one indexed condition, never an OR with a
    scan of every name:

    - letters only: initials or full pinyin *starting with* them — a prefix on an
      indexed column (``varchar_pattern_ops`` on PostgreSQL; a key range on SQLite,
      whose ``LIKE`` cannot use a plain index);
    - digits (an ``X`` last): the ID number, exactly when all 18 are given, else its
      tail (trigram index on PostgreSQL);
    - anything else (Chinese): the name containing it (trigram index on PostgreSQL).

    The indexes are created by ``PersonSearchIndexes`` in each registry's migrations."""
    # The same spelling the names and numbers were stored in (full-width digits, 张　三).
    text = _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))
    if not text:
        return Q()
    letters = text.replace(" ", "").replace("'", "")
    if letters.isascii() and letters.isalpha():
        low = letters.lower()
        return _prefix_q(f"{prefix}name_initials", low) | _prefix_q(f"{prefix}name_pinyin", low)
    digits = text.upper()
    if digits[:-1].isdigit() and (digits[-1].isdigit() or digits[-1] == "X") and len(digits) >= 4:
        if len(digits) == 18:
            return Q(**{f"{prefix}id_number": digits})
        return Q(**{f"{prefix}id_number__endswith": digits})
    return Q(**{f"{prefix}name__contains": text})


def _prefix_q(field: str, value: str) -> Q:
    from django.db import connection

    if connection.vendor == "sqlite":
        # A key range uses the column's plain index; SQLite's LIKE would scan.
        upper = value[:-1] + chr(ord(value[-1]) + 1)
        return Q(**{f"{field}__gte": value, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": value})


class PersonSearchIndexes(Operation):
    """Migration operation: the indexes ``name_search_q`` relies on, for one model with
    ``PersonFields``. On PostgreSQL: ``pg_trgm`` GIN indexes on the name and the ID
    number (substring and tail search) and ``varchar_pattern_ops`` indexes on the
    pinyin columns (prefix search); elsewhere a plain index on the full pinyin (the
    initials already have one). Add it to the registry's migrations::

        operations = [PersonSearchIndexes("candidate")]

    The indexes live outside Django's model state (they are backend-specific), so the
    autodetector neither adds nor drops them. Without the right to create the
    ``pg_trgm`` extension the trigram indexes are skipped with a warning (searches
    stay correct, only slower); an administrator can run ``CREATE EXTENSION pg_trgm``
    and migrate again from zero of this operation."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass

    def describe(self):
        return f"Person search indexes on {self.model_name}"

    def _names(self, table):
        return {k: f"{table[:40]}_{k}_srch" for k in ("name_trgm", "id_trgm", "initials_pat", "pinyin_pat", "pinyin")}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        names = self._names(table)
        q = schema_editor.quote_name
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {q(names['pinyin'])} ON {q(table)} ({q('name_pinyin')})")
            return
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(names['initials_pat'])} ON {q(table)} ({q('name_initials')} varchar_pattern_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(names['pinyin_pat'])} ON {q(table)} ({q('name_pinyin')} varchar_pattern_ops)"
        )
        if not _ensure_trigram_extension(schema_editor):
            return
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {q(names['name_trgm'])} ON {q(table)} USING gin ({q('name')} gin_trgm_ops)")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(names['id_trgm'])} ON {q(table)} USING gin ({q('id_number')} gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        for name in self._names(model._meta.db_table).values():
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def _ensure_trigram_extension(schema_editor) -> bool:
    import logging

    from django.db import DatabaseError, transaction

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logging.getLogger(__name__).warning("pg_trgm not available (%s): name search runs without trigram indexes.", exc)
        return False
    return True
