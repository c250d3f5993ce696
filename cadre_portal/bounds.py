"""Domain ranges for numbers and dates, declared once per model.

Training hours of −24 or 9999.9, a vote tally of 10^30, a date of 0001-01-01:
every numeric and date field has a range its values can sensibly take. Declare
it once, on the model, after the fields::

    from cadre_portal import bounds

    class TrainingSession(models.Model):
        date = models.DateField("日期")
        hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

        ranges = bounds.Bounds(date=bounds.EVENT_DATE, hours=(Decimal("0.5"), Decimal("24")))

and ``makemigrations``. The one declaration gives:

- a **database check constraint** per field (``<app>_<model>_<field>_range``), so
  no path — a form, an import, a bulk insert, the shell — can store a value
  outside the range;
- **validators** on the model field with a Chinese message (``学时应在 0.5 至 24
  之间。``), so ``full_clean`` and every ``ModelForm`` refuse it next to the field,
  and the form field's ``min``/``max`` (numbers) for the browser;
- the limits for **Excel columns** and plain forms: ``bounds.column_limits(Model,
  "hours")`` gives ``{"min_value": …, "max_value": …}`` for an ``IntegerColumn`` /
  ``DecimalColumn``; ``bounds.formfield(Model, "hours", label=…)`` a form field
  with the range; ``bounds.check(Model, "hours", value)`` raises the same
  ``ValidationError`` for code that writes without a form (workflows).

A range is ``(low, high)`` (either may be ``None`` for open) or a ``Range``; the
shared ranges below cover most fields. Ranges declared on an abstract model
(``PersonFields.birth_date``) apply to every concrete model built on it; a
subclass may declare more ``Bounds`` (or narrow a field) in its own body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import class_prepared
from django.utils.deconstruct import deconstructible


@dataclass(frozen=True)
class Range:
    low: object = None
    high: object = None

    def contains(self, value) -> bool:
        if value is None:
            return True
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


# Shared ranges ------------------------------------------------------------------------
# Dates of business events the portal records (inspections, sessions, appraisals,
# appointments …): the pipeline's records start well after 2000.
EVENT_DATE = Range(date(2000, 1, 1), date(2099, 12, 31))
# Birth dates: GB 11643 numbers start in 1900 (idcard.parse refuses earlier ones).
BIRTH_DATE = Range(date(1900, 1, 1), date(2099, 12, 31))
# Dates a person's career may carry (joined the party, started work …).
HISTORY_DATE = Range(date(1900, 1, 1), date(2099, 12, 31))
SORT_ORDER = Range(0, 99_999)
# A count of people (votes, tallies, headcounts).
HEADCOUNT = Range(0, 100_000)
DAYS_AHEAD = Range(0, 366)
# Hours credited for one study session: at least half an hour, at most a day.
SESSION_HOURS = Range(Decimal("0.5"), Decimal("24"))
# The year of a yearly plan.
PLAN_YEAR = Range(2000, 2100)


def _as_range(value) -> Range:
    if isinstance(value, Range):
        return value
    low, high = value
    return Range(low, high)


def _text(value) -> str:
    if isinstance(value, date):
        return f"{value:%Y年%m月%d日}"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return f"{value}"


def message_for(label: str, rng: Range) -> str:
    if rng.low is not None and rng.high is not None:
        return f"{label}应在 {_text(rng.low)} 至 {_text(rng.high)} 之间。"
    if rng.low is not None:
        return f"{label}不能小于 {_text(rng.low)}。"
    return f"{label}不能大于 {_text(rng.high)}。"


@deconstructible(path="cadre_portal.bounds.RangeValidator")
class RangeValidator(BaseValidator):
    """``low <= value <= high`` with one Chinese message naming the field."""

    code = "out_of_range"

    def __init__(self, low=None, high=None, message=None):
        self.low, self.high = low, high
        super().__init__(limit_value=(low, high), message=message)

    def compare(self, value, limits):
        return not Range(*limits).contains(value)

    def __call__(self, value):
        if value is not None and self.compare(value, (self.low, self.high)):
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return (
            isinstance(other, RangeValidator)
            and (self.low, self.high, self.message) == (other.low, other.high, other.message)
        )

    def __hash__(self):
        return hash((self.low, self.high, self.message))


class RangeConstraint(models.CheckConstraint):
    """The database half of a declared range. Django's model validation would check
    it again with one query per constraint; the field's ``RangeValidator`` already
    gives the same answer with a message next to the field, so ``validate`` is a no-op."""

    def validate(self, model, instance, exclude=None, using=None):
        return None


class Bounds:
    """``field_name=(low, high)`` for the model it is declared on (see the module docstring)."""

    def __init__(self, **ranges):
        self.ranges = {name: _as_range(value) for name, value in ranges.items()}

    def contribute_to_class(self, cls, name):
        # Kept as a plain class attribute; applied when the model is prepared
        # (abstract models pass their declaration on to their concrete subclasses).
        setattr(cls, name, self)

    def deconstruct(self):  # pragma: no cover - never serialised; here for introspection tools
        return ("cadre_portal.bounds.Bounds", (), dict(self.ranges))


def declared(model) -> dict[str, Range]:
    """Every range declared for ``model`` (its own and its abstract parents'; the
    nearest declaration of a field wins)."""
    result: dict[str, Range] = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            if isinstance(value, Bounds):
                result.update(value.ranges)
    return result


def _constraint_name(model, field_name: str) -> str:
    return f"{model._meta.app_label}_{model._meta.model_name}_{field_name}_range"[:60]


def _condition(field_name: str, rng: Range) -> models.Q:
    q = models.Q()
    if rng.low is not None:
        q &= models.Q(**{f"{field_name}__gte": rng.low})
    if rng.high is not None:
        q &= models.Q(**{f"{field_name}__lte": rng.high})
    return q


def _apply(sender, **kwargs):
    model = sender
    meta = model._meta
    if meta.abstract or meta.proxy or getattr(meta, "_bounds_applied", False):
        return
    ranges = declared(model)
    if not ranges:
        return
    constraints = list(meta.constraints)
    names = {c.name for c in constraints}
    for field_name, rng in ranges.items():
        field = meta.get_field(field_name)
        label = str(field.verbose_name)
        validator = RangeValidator(rng.low, rng.high, message=message_for(label, rng))
        field._validators = [v for v in field._validators if not isinstance(v, RangeValidator)] + [validator]
        field.__dict__.pop("validators", None)  # cached_property: recompute with the new validator
        _wrap_formfield(field, model, field_name)
        name = _constraint_name(model, field_name)
        if name not in names:
            constraints.append(RangeConstraint(condition=_condition(field.attname if field.is_relation else field_name, rng),
                                               name=name, violation_error_message=validator.message))
            names.add(name)
    meta.constraints = constraints
    # The migration autodetector reads constraints only when Meta declared some.
    meta.original_attrs["constraints"] = constraints
    meta._bounds_applied = True


def _wrap_formfield(field, model, field_name: str) -> None:
    """Model forms get the range too (one Chinese message, browser min/max)."""
    original = type(field).formfield

    def formfield(**kwargs):
        return with_range(original(field, **kwargs), model, field_name)

    field.formfield = formfield


class_prepared.connect(_apply, dispatch_uid="cadre_portal_bounds")


# --- for forms, imports and workflows ----------------------------------------------------


def limits(model, field_name: str) -> Range | None:
    """The declared range of ``model.field_name``, or None."""
    return declared(model).get(field_name)


def column_limits(model, field_name: str) -> dict:
    """``min_value``/``max_value`` keyword arguments for an Excel number column."""
    rng = limits(model, field_name)
    if rng is None:
        return {}
    return {"min_value": rng.low, "max_value": rng.high}


def check(model, field_name: str, value) -> None:
    """Raise the field's ``ValidationError`` when ``value`` is outside its range
    (for writes that do not pass through a form)."""
    rng = limits(model, field_name)
    if rng is not None and not rng.contains(value):
        label = str(model._meta.get_field(field_name).verbose_name)
        raise ValidationError({field_name: message_for(label, rng)}, code="out_of_range")


def formfield(model, field_name: str, **kwargs):
    """The model field's form field (for a plain ``forms.Form``) carrying its range:
    the validator, and ``min``/``max`` for numbers and dates in the browser."""
    field = model._meta.get_field(field_name)
    form_field = field.formfield(**kwargs)
    return with_range(form_field, model, field_name)


def with_range(form_field, model, field_name: str):
    """Give an existing form field the declared range of ``model.field_name``."""
    rng = limits(model, field_name)
    if rng is None or form_field is None:
        return form_field
    if isinstance(form_field, forms.ChoiceField):
        # Its choices already bound it; its validators see the submitted text, not the number
        # (the model field's validator still checks the stored value).
        return form_field
    label = str(model._meta.get_field(field_name).verbose_name)
    # One message, ours, instead of Django's generic min/max ones.
    form_field.validators = [
        v for v in form_field.validators if not isinstance(v, (MinValueValidator, MaxValueValidator, RangeValidator))
    ] + [RangeValidator(rng.low, rng.high, message=message_for(label, rng))]
    attrs = form_field.widget.attrs
    for key, value in (("min", rng.low), ("max", rng.high)):
        if value is not None:
            attrs[key] = value.isoformat() if isinstance(value, date) else str(value)
    return form_field
