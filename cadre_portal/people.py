"""Identity fields shared by every registry of people.

``PersonFields`` is an abstract model: name, resident ID number, sex, birth
date, ethnicity, political status, education, degree, phone, native place,
plus a pinyin-initials column for search. ``clean()`` validates the ID number
(GB 11643) and checks that the entered sex and birth date agree with it;
when they are left empty they are derived from it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cadre_portal import bounds, codes, idcard
from cadre_portal.pinyin import search_keys


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
    name = models.CharField("姓名", max_length=32)
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
    name_pinyin = models.CharField("姓名全拼", max_length=128, blank=True, editable=False)

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
        self.name = (self.name or "").strip().replace("\u3000", "")
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
        self.name_initials, self.name_pinyin = search_keys(self.name or "")
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
    """Match a name, its pinyin initials (``zs``) or full pinyin, or an ID number tail."""
    text = (text or "").strip()
    if not text:
        return Q()
    q = Q(**{f"{prefix}name__contains": text})
    if text.isascii() and text.isalpha():
        low = text.lower()
        q |= Q(**{f"{prefix}name_initials__startswith": low}) | Q(**{f"{prefix}name_pinyin__startswith": low})
    elif text.replace("X", "").replace("x", "").isdigit() and len(text) >= 4:
        q |= Q(**{f"{prefix}id_number__endswith": text.upper()})
    return q
