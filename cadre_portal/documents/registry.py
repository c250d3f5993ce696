"""Registries of the documents machinery: the formats a form is produced in, and the
sources whose records can fill a 干部任免审批表.

A **source** is one kind of record that fills the form (a young cadre of the bank,
a reserve cadre promoted into township leadership). Adding one takes three steps:

1. In ``<app>/rmb.py`` (imported automatically when the documents app is ready)
   subclass ``FormSource``: ``key``, ``title``, ``queryset(user)`` (scoped with
   ``visible_to``), ``occasions(obj)`` (the appointments that fill 拟任/拟免/理由)
   and ``form_data(obj, occasion=…, options=…)``; optionally ``batches``/``batch_items``
   (the forms of one appointment round in one file) and an ``importer`` (where an
   ``.lrmx`` upload is written).
2. Decorate it with ``@register``.
3. Put ``{% load documents_tags %}{% rmb_buttons "<key>" obj %}`` on the record's page:
   the print view, the .docx and the .lrmx are then one click away, for the roles
   the source allows, and every request goes through ``queryset(user)`` (a record
   outside the user's scope is a 404).

A **format** (``FORMATS``) is one way of producing the form: the print view in the
browser, Word, and the ``.lrmx`` exchange file; the views and buttons iterate
over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.shortcuts import get_object_or_404

from cadre_portal.documents.formdata import FormData

# Roles, as in cadre_portal.models.Role.
COUNTY_ROLES = ("county_staff", "admin")


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    extension: str = ""
    content_type: str = "text/html"


FORMATS = {
    "print": Format("print", "打印预览"),
    "docx": Format("docx", "Word（.docx）", ".docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "lrmx": Format("lrmx", "任免表文件（.lrmx）", ".lrmx", "application/xml"),
}


@dataclass(frozen=True)
class Occasion:
    """One appointment (or promotion) that fills the form's 拟任/拟免/任免理由."""

    key: str
    label: str


@dataclass(frozen=True)
class Batch:
    """A set of forms printed together (an appointment round)."""

    key: str
    label: str
    count: int = 0
    date: date | None = None


@dataclass
class FormOptions:
    """What the person asking for a form chose: the occasion and the form's dates and
    signatory. ``None`` means "the source's default"."""

    occasion: str | None = None
    age_date: date | None = None
    filled_on: date | None = None
    filled_by: str | None = None
    reporting_unit: str | None = None


class FormSource:
    """A kind of record that can fill the form. See the module docstring."""

    key: str = ""
    title: str = ""
    # Who may open the print view and download .docx; who may download .lrmx (it
    # carries the full resident ID number).
    print_roles: tuple[str, ...] = COUNTY_ROLES + ("leader",)
    lrmx_roles: tuple[str, ...] = COUNTY_ROLES
    # Where an .lrmx upload is written (a ``LrmxImporter``), if anywhere.
    importer = None

    def queryset(self, user):
        raise NotImplementedError

    def get(self, user, pk):
        """The record, through the user's scope (404 outside it)."""
        return get_object_or_404(self.queryset(user), pk=pk)

    def label(self, obj) -> str:
        return str(obj)

    def applies_to(self, obj) -> bool:
        """Whether the record can fill a form (the page's button shows only then)."""
        return True

    def detail_url(self, obj) -> str:
        return ""

    def occasions(self, obj) -> list[Occasion]:
        return []

    def default_occasion(self, obj) -> str | None:
        items = self.occasions(obj)
        return items[0].key if items else None

    def form_data(self, obj, *, options: FormOptions, user) -> FormData:
        raise NotImplementedError

    # Batches (optional) ----------------------------------------------------------------
    def batches(self, user) -> list[Batch]:
        return []

    def batch_label(self, user, batch_key: str) -> str:
        for batch in self.batches(user):
            if batch.key == str(batch_key):
                return batch.label
        return ""

    def batch_items(self, user, batch_key: str) -> list[tuple[object, str]]:
        """[(record, occasion key)] of one batch, in print order; records through the
        user's scope. Unknown or invisible batch: Http404."""
        from django.http import Http404

        raise Http404

    # Permissions ------------------------------------------------------------------------------
    @staticmethod
    def _has(user, roles) -> bool:
        return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles))

    def can_print(self, user) -> bool:
        return self._has(user, self.print_roles)

    def can_export_lrmx(self, user) -> bool:
        return self._has(user, self.lrmx_roles)

    def can_import(self, user) -> bool:
        return self.importer is not None and self._has(user, self.importer.import_roles)


def fill_appointment_defaults(form: FormData, options: FormOptions, *, user, occasion_date: date | None = None,
                              reporting_unit: str = "", filled_by: str = "", filled_on: date | None = None) -> FormData:
    """The form's dates and signatory: what the user chose, else the occasion's (or the
    source's) values, else today and the user's own name."""
    today = date.today()
    form.age_date = options.age_date or occasion_date or today
    form.filled_on = options.filled_on or filled_on or today
    form.filled_by = options.filled_by or filled_by or getattr(user, "display_name", "") or ""
    form.reporting_unit = options.reporting_unit or reporting_unit
    return form


def county_department(region) -> str:
    """中共崇阳县委组织部: the county organization department above a region node."""
    from cadre_portal.models import Region

    node = region
    while node is not None and node.level > Region.Level.COUNTY:
        node = node.parent
    return f"中共{node.name}委组织部" if node is not None else ""


_SOURCES: dict[str, FormSource] = {}


def register(cls):
    """Class decorator: register a ``FormSource`` subclass under its ``key``."""
    if not cls.key:
        raise ValueError("A form source needs a key.")
    _SOURCES[cls.key] = cls()
    return cls


def get(key: str) -> FormSource | None:
    return _SOURCES.get(key)


def all_sources() -> list[FormSource]:
    return list(_SOURCES.values())


def importable_for(user) -> list[FormSource]:
    return [s for s in _SOURCES.values() if s.can_import(user)]
