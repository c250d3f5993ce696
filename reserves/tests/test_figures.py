"""The reserves' figures: stock figures read the transition history, flows their own dates."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

from cadre_portal.figures import compute, periods
from cadre_portal.figures.periods import Period
from reserves.tests import builders
from reserves.tests.figures_world import build


def _history_only():
    """Make every period read the transition history, even one ending today."""
    return mock.patch.object(Period, "is_current", new=property(lambda self: False))


def test_stock_figures_as_of_today_agree_with_the_transition_history(personas):
    build(personas)
    today = periods.preset(periods.THIS_YEAR)
    keys = ["reserves.pipeline", "reserves.active", "reserves.pool_size", "reserves.village_size", "reserves.training_hours"]
    stored = {k: compute.breakdown(k, personas.county_staff, today).as_table()["rows"] for k in keys}
    with _history_only():
        history = {k: compute.breakdown(k, personas.county_staff, today).as_table()["rows"] for k in keys}
    assert history == stored


def test_a_stage_is_counted_where_the_person_stood_on_the_day(personas):
    c = builders.training(personas)
    before = periods.make_range(date.today() - timedelta(days=30), date.today() - timedelta(days=1))
    assert compute.value("reserves.active", personas.county_staff, before).value == 0
    assert compute.value("reserves.active", personas.county_staff, periods.preset(periods.THIS_YEAR)).value == 1
    assert c.stage == "training"


def test_appointments_count_people_once_on_their_first_appointment_in_the_period(personas):
    build(personas)
    this_year = periods.preset(periods.THIS_YEAR)
    three_years = periods.preset(periods.THREE_YEARS)
    assert compute.value("reserves.appointed", personas.county_staff, this_year).value == 1
    assert compute.value("reserves.appointed", personas.county_staff, three_years).value == 2


def test_a_township_officer_counts_only_their_township(personas):
    build(personas)
    p = periods.preset(periods.THREE_YEARS)
    a = compute.value("reserves.appointed", personas.officer_a, p).value
    b = compute.value("reserves.appointed", personas.officer_b, p).value
    assert (a, b, compute.value("reserves.appointed", personas.county_staff, p).value) == (1, 1, 2)


def test_a_domain_officer_gets_no_reserves_number_at_all(personas):
    build(personas)
    result = compute.value("reserves.village_size", personas.domain_officer, periods.preset(periods.THIS_YEAR))
    assert (result.allowed, result.value) == (False, None)


def test_training_hours_are_banded_against_150(personas):
    build(personas)
    table = compute.breakdown("reserves.training_hours", personas.county_staff, periods.preset(periods.THIS_YEAR))
    bands = dict(table.as_table()["rows"])
    assert bands["已满150学时"] == 1 and bands["不足30学时"] == 2


def test_villages_are_classed_below_within_and_above_three_to_seven(personas):
    build(personas)  # 茅井村 3 active, 大岭村 1, 沙坪村 1
    table = compute.breakdown("reserves.village_size", personas.county_staff, periods.preset(periods.THIS_YEAR)).as_table()
    assert table["header"] == ["乡镇（街道）", "不足3人", "3–7人", "超过7人", "合计"]
    assert table["rows"] == [["天城镇", 1, 1, 0, 2], ["沙坪镇", 1, 0, 0, 1]]


def test_a_village_over_seven_is_above(personas):
    for i in range(8):
        builders.training(personas, personas.tree.village_b1, name=f"赵{'一二三四五六七八'[i]}")
    table = compute.breakdown("reserves.village_size", personas.county_staff, periods.preset(periods.THIS_YEAR)).as_table()
    assert table["rows"][1] == ["沙坪镇", 0, 0, 1, 1]


def test_pool_readiness_counts_villages_by_pool_members(personas):
    build(personas)  # one pool member, in 茅井村
    table = compute.breakdown("reserves.pool_readiness", personas.county_staff, periods.preset(periods.THIS_YEAR)).as_table()
    assert table["rows"] == [["天城镇", 1, 1, 0, 2], ["沙坪镇", 1, 0, 0, 1]]


def test_exam_recruitments_are_counted_by_their_date_and_listed(personas):
    from cadre_portal.figures import registry
    from cadre_portal.figures.periods import preset
    from reserves.models import Promotion

    c = builders.pooled(personas)
    Promotion.objects.create(candidate=c, date=date.today(), post="事业单位工作人员", kind="institution_exam")
    Promotion.objects.create(candidate=c, date=date.today(), post="乡镇公务员", kind="civil_service_exam")
    other = builders.pooled(personas, personas.tree.village_b1, name="李四")
    Promotion.objects.create(candidate=other, date=date.today(), post="党委委员", kind="township_leadership")
    figure = registry.get("reserves.recruited_by_exam")
    rows = list(figure.rows(personas.county_staff, preset("this_year")))
    assert [r.name for r in rows] == [c.name]
    assert list(figure.rows(personas.officer_b, preset("this_year"))) == []
