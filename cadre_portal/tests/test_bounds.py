"""Declared ranges: one declaration gives the database constraint, the field's Chinese
validation, the form field's limits and the Excel column's."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadre_portal import bounds
from cadre_portal.models import Region, Unit
from cadre_portal.notifications.models import ReminderSetting
from reserves.models import Candidate

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_value_outside_the_range_whatever_the_path(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(pk=tree.village_a1.pk).update(sort_order=10**6)


def test_the_database_refuses_an_absurd_lead_time():
    ReminderSetting.objects.create(kind="bounds_test")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSetting.objects.filter(kind="bounds_test").update(lead_days=9999)


def test_a_range_on_an_abstract_model_reaches_its_concrete_models():
    names = {c.name for c in Candidate._meta.constraints}
    assert "reserves_candidate_birth_date_range" in names


def test_a_birth_date_of_year_one_is_refused_by_the_database(personas):
    from reserves.tests import builders as b

    c = b.draft(personas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.filter(pk=c.pk).update(birth_date=date(1, 1, 1))


def test_full_clean_names_the_field_in_chinese(tree):
    unit = Unit(name="县委党校", kind=Unit.Kind.PARTY_GOV, region=tree.county, sort_order=100_000)
    with pytest.raises(ValidationError) as err:
        unit.full_clean()
    assert err.value.message_dict["sort_order"] == ["排序应在 0 至 99999 之间。"]


def test_a_model_form_refuses_the_value_next_to_the_field(tree):
    class UnitForm(forms.ModelForm):
        class Meta:
            model = Unit
            fields = ["name", "kind", "region", "sort_order"]

    form = UnitForm(data={"name": "县委党校", "kind": "party_gov", "region": tree.county.pk, "sort_order": "-5"})
    assert not form.is_valid()
    assert "排序应在 0 至 99999 之间。" in form.errors["sort_order"]


def test_a_value_inside_the_range_is_accepted(tree):
    Unit(name="县委党校", kind=Unit.Kind.PARTY_GOV, region=tree.county, sort_order=99_999).full_clean()


def test_null_dates_stay_allowed_when_the_field_allows_them(personas):
    from reserves.tests import builders as b

    c = b.draft(personas)
    Candidate.objects.filter(pk=c.pk).update(birth_date=None)  # no IntegrityError


def test_excel_columns_read_the_same_limits():
    assert bounds.column_limits(Region, "sort_order") == {"min_value": 0, "max_value": 99_999}
    assert bounds.column_limits(Region, "name") == {}


def test_a_plain_form_field_gets_the_range_and_browser_limits():
    field = bounds.formfield(ReminderSetting, "lead_days")
    assert field.widget.attrs["min"] == "0" and field.widget.attrs["max"] == "366"
    with pytest.raises(ValidationError) as err:
        field.clean("400")
    assert "提前天数应在 0 至 366 之间。" in err.value.messages


def test_a_date_form_field_gets_iso_limits():
    field = bounds.with_range(forms.DateField(), Candidate, "birth_date")
    assert field.widget.attrs["min"] == "1900-01-01"
    with pytest.raises(ValidationError):
        field.clean("0001-01-01")


def test_workflow_code_can_check_a_value_without_a_form():
    with pytest.raises(ValidationError) as err:
        bounds.check(Candidate, "birth_date", date(9999, 12, 31))
    assert "出生日期应在 1900年01月01日 至 2099年12月31日 之间。" in err.value.message_dict["birth_date"]
    bounds.check(Candidate, "birth_date", date(1990, 5, 1))


# --- every numeric and date field of every app has a declared range ----------------------

# Apps whose models users fill (directly, by import or through a workflow). A new app
# (retention …) joins this list and then must declare its ranges too.
PROJECT_APPS = ("cadre_portal", "notifications", "excel", "dashboards", "reserves", "youth_cadres", "talents", "retention")

# Fields that carry no domain value to bound, and why.
NOT_BOUNDED = {
    # Identifiers, not quantities.
    ("notifications", "Reminder", "target_id"),
    ("notifications", "PlannedReminder", "target_id"),
    # An import job's progress and row counters: written only by the import engine from the
    # rows it counted (EXCEL_MAX_ROWS bounds them), never typed or imported.
    ("excel", "ImportJob", "progress"),
    ("excel", "ImportJob", "total_rows"),
    ("excel", "ImportJob", "new_rows"),
    ("excel", "ImportJob", "updated_rows"),
    ("excel", "ImportJob", "unchanged_rows"),
    ("excel", "ImportJob", "error_rows"),
    # The same for a background export's progress and row counters.
    ("excel", "ExportJob", "progress"),
    ("excel", "ExportJob", "total_rows"),
    ("excel", "ExportJob", "rows_written"),
}


def _bounded_fields():
    """(model, field) for every number and calendar-date field of the project's concrete
    models. Timestamps (``DateTimeField``) are the server clock's, never user input."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or meta.proxy or model.__name__.startswith("Historical"):
            continue
        for field in meta.concrete_fields:
            if field.is_relation or isinstance(field, (models.AutoField, models.BigAutoField, models.DateTimeField)):
                continue
            if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField, models.DateField)):
                yield model, field


def _label(model, field):
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def test_every_number_and_date_field_declares_its_range():
    missing = [
        _label(model, field)
        for model, field in _bounded_fields()
        if (model._meta.app_label, model.__name__, field.name) not in NOT_BOUNDED and bounds.limits(model, field.name) is None
    ]
    assert missing == [], "declare a range (cadre_portal.bounds.Bounds) for: " + ", ".join(missing)


def test_every_declared_range_is_a_database_constraint_a_field_validator_and_a_form_limit():
    from django.forms import modelform_factory

    wrong = []
    for model, field in _bounded_fields():
        rng = bounds.limits(model, field.name)
        if rng is None:
            continue
        if bounds._constraint_name(model, field.name) not in {c.name for c in model._meta.constraints}:
            wrong.append(f"{_label(model, field)}: no database constraint")
        if not any(isinstance(v, bounds.RangeValidator) and (v.low, v.high) == (rng.low, rng.high) for v in field.validators):
            wrong.append(f"{_label(model, field)}: no field validator")
        if field.editable:
            form_field = modelform_factory(model, fields=[field.name]).base_fields.get(field.name)
            bounded = isinstance(form_field, forms.ChoiceField) or any(
                isinstance(v, bounds.RangeValidator) for v in getattr(form_field, "validators", []))
            if form_field is not None and not bounded:
                wrong.append(f"{_label(model, field)}: the model form does not check the range")
    assert wrong == []


def test_every_excel_column_reads_a_range_no_wider_than_its_field():
    from cadre_portal.excel import resources

    wrong = []
    for registry in resources.all_registries():
        model = registry._meta.model
        if model is None:
            continue
        for column in registry.columns():
            if not hasattr(column, "min_value"):
                continue
            rng = column.model_field_range(model)
            if rng is None:
                continue
            low, high = column.min_value, column.max_value
            if (rng.low is not None and (low is None or low < rng.low)) or (rng.high is not None and (high is None or high > rng.high)):
                wrong.append(f"{registry.key}.{column.header}: {low}–{high} wider than {rng.low}–{rng.high}")
    assert wrong == []


@pytest.mark.parametrize("hours", ["-24", "0", "9999.9"])
def test_training_hours_outside_half_an_hour_to_a_day_are_refused_by_the_session_form(hours):
    from reserves.models import TrainingSession

    field = bounds.formfield(TrainingSession, "hours")
    with pytest.raises(ValidationError) as err:
        field.clean(hours)
    assert "学时应在 0.5 至 24 之间。" in err.value.messages


def test_the_database_refuses_attendance_hours_that_would_lower_a_total(personas):
    from reserves.models import Attendance, TrainingSession
    from reserves.tests import builders as b

    c = b.draft(personas)
    session = TrainingSession.objects.create(date=date(2025, 3, 1), topic="党史学习", hours=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=session, candidate=c, hours=-24)
