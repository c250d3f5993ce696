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
