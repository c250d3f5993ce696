"""Periods: presets, custom ranges and the refusals (issue 11, bad input)."""

from __future__ import annotations

from datetime import date

from django.test import override_settings

from cadre_portal.figures import periods

TODAY = date(2026, 11, 29)


def period(**params):
    return periods.from_params(params, on=TODAY)


def test_this_year_runs_from_new_year_to_today():
    p, errors = period(period="this_year")
    assert (p.start, p.end, errors) == (date(2026, 1, 1), TODAY, [])


def test_two_and_three_years_count_calendar_years_including_this_one():
    assert period(period="two_years")[0].start == date(2025, 1, 1)
    assert period(period="three_years")[0].start == date(2024, 1, 1)


@override_settings(TERM_START="2021-03-15")
def test_the_term_starts_at_the_last_election_setting():
    p, _ = period(period="term")
    assert (p.start, p.end) == (date(2021, 3, 15), TODAY)


@override_settings(TERM_START="2027-03-15")
def test_a_term_start_in_the_future_is_refused_with_a_message():
    p, errors = period(period="term")
    assert p.key == periods.THIS_YEAR and "晚于今天" in errors[0]


def test_a_custom_range_is_taken_as_given():
    p, errors = period(period="range", **{"from": "2024-01-01", "to": "2025-06-30"})
    assert (p.start, p.end, errors) == (date(2024, 1, 1), date(2025, 6, 30), [])
    assert p.label == "2024年1月1日至2025年6月30日"


def test_dates_alone_mean_a_custom_range():
    p, _ = period(**{"from": "2024-01-01", "to": "2024-12-31"})
    assert p.key == periods.RANGE


def test_an_end_before_the_start_is_refused_and_the_default_is_used():
    p, errors = period(**{"from": "2025-06-30", "to": "2024-01-01"})
    assert p.key == periods.THIS_YEAR
    assert errors == ["结束日期（2024年1月1日）早于开始日期（2025年6月30日），请重新选择统计期间。"]


def test_a_period_in_the_future_is_refused():
    p, errors = period(**{"from": "2027-01-01", "to": "2027-12-31"})
    assert p.key == periods.THIS_YEAR and "尚未开始" in errors[0]


def test_an_end_after_today_is_taken_as_today():
    p, errors = period(**{"from": "2026-01-01", "to": "2026-12-31"})
    assert (p.end, errors) == (TODAY, [])


def test_a_date_that_is_not_a_date_is_named_in_the_message():
    p, errors = period(**{"from": "2024-13-01", "to": "2024-12-31"})
    assert "2024-13-01" in errors[0] and "不是有效日期" in errors[0]


def test_half_a_range_is_refused():
    _, errors = period(period="range", **{"from": "2024-01-01"})
    assert "同时填写" in errors[0]


def test_an_unknown_preset_falls_back_with_a_message():
    p, errors = period(period="forever")
    assert p.key == periods.THIS_YEAR and errors


def test_a_period_round_trips_through_its_query_parameters():
    p, _ = period(**{"from": "2024-01-01", "to": "2025-06-30"})
    assert period(**p.params())[0] == p
