"""The cohort is derived from the cadre's dates, level and tags — at each boundary,
and the same in Python and in the database."""

from datetime import date

import pytest

from youth_cadres import cohorts
from youth_cadres.models import Cadre
from youth_cadres.tests.builders import make_cadre

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)
THREE_YEARS_AGO = date(2023, 6, 15)


def both(cadre, as_of=AS_OF):
    """The cohort by the Python rules and by the SQL expression; they must agree."""
    python = cohorts.cohort_of(cadre, as_of)
    sql = Cadre.objects.with_cohort(as_of).get(pk=cadre.pk).cohort_key
    assert python == sql, f"python {python!r} != sql {sql!r}"
    in_filter = Cadre.objects.in_cohort(python, as_of).filter(pk=cadre.pk).exists()
    assert in_filter, "cohort_filter disagrees"
    return python


@pytest.fixture
def unit(unit_contacts):
    return unit_contacts.unit_a


def test_80s_at_division_level_are_the_leadership_cohort(unit):
    assert both(make_cadre(unit, birth=date(1982, 3, 1), post_level="132")) == "leader_80"


def test_80s_at_full_section_for_exactly_three_years_are_the_leadership_cohort(unit):
    assert both(make_cadre(unit, birth=date(1982, 3, 1), post_level="141", level_since=THREE_YEARS_AGO)) == "leader_80"


def test_80s_at_full_section_a_day_short_of_three_years_are_not(unit):
    cadre = make_cadre(unit, birth=date(1982, 3, 1), post_level="141", level_since=date(2023, 6, 16))
    assert both(cadre) == ""  # 1982: not 85后, and not yet three years


def test_the_rank_counts_like_the_level_it_ranks_with(unit):
    # 一级主任科员 ranks with 乡科级正职 (正科).
    cadre = make_cadre(unit, birth=date(1983, 1, 1), post_level="", rank="07", level_since=THREE_YEARS_AGO)
    assert both(cadre) == "leader_80"


def test_85s_at_full_section_under_three_years_are_the_rotation_cohort(unit):
    assert both(make_cadre(unit, birth=date(1985, 1, 1), post_level="141", level_since=date(2025, 1, 1))) == "rotation_85"


def test_85s_at_full_section_for_three_years_move_up_to_the_leadership_cohort(unit):
    cadre = make_cadre(unit, birth=date(1987, 1, 1), post_level="141", level_since=THREE_YEARS_AGO)
    assert both(cadre) == "leader_80"
    assert both(cadre, as_of=date(2026, 6, 14)) == "rotation_85"  # the day before


def test_born_on_the_last_day_of_1984_is_not_85s(unit):
    assert both(make_cadre(unit, birth=date(1984, 12, 31), post_level="141", level_since=date(2025, 1, 1))) == ""


def test_90s_at_deputy_section_are_the_potential_cohort(unit):
    assert both(make_cadre(unit, birth=date(1990, 1, 1), post_level="142")) == "potential_90"


def test_born_on_the_last_day_of_1989_at_deputy_section_is_not_90s(unit):
    assert both(make_cadre(unit, birth=date(1989, 12, 31), post_level="142")) == ""


def test_90s_selected_graduates_with_three_years_of_work_are_the_potential_cohort(unit):
    cadre = make_cadre(unit, birth=date(1996, 1, 1), post_level="150", work_start=THREE_YEARS_AGO, tags=["selected"])
    assert both(cadre) == "potential_90"


def test_90s_top_graduates_a_day_short_of_three_years_of_work_are_not(unit):
    cadre = make_cadre(unit, birth=date(1996, 1, 1), post_level="150", work_start=date(2023, 6, 16), tags=["elite"])
    assert both(cadre) == ""


def test_professional_cadres_are_the_professional_cohort_when_nothing_else_fits(unit):
    cadre = make_cadre(unit, birth=date(1986, 1, 1), post_level="142", tags=["professional"])
    assert both(cadre) == "professional"


def test_a_professional_who_fits_an_earlier_cohort_is_in_that_one(unit):
    cadre = make_cadre(unit, birth=date(1992, 1, 1), post_level="142", tags=["professional"])
    assert both(cadre) == "potential_90"


def test_the_bank_is_for_80s_and_90s_only(unit):
    assert both(make_cadre(unit, birth=date(1979, 12, 31), post_level="132", tags=["professional"])) == ""


def test_a_cadre_without_a_birth_date_is_in_no_cohort(unit):
    cadre = make_cadre(unit, birth=date(1990, 1, 1), post_level="142")
    cadre.birth_date = None
    assert cohorts.cohort_of(cadre, AS_OF) == ""


def test_every_cohort_has_a_label_and_a_focus():
    assert [(r.label, r.focus) for r in cohorts.RULES if not (r.label and r.focus)] == []
    assert cohorts.label("") == cohorts.NONE_LABEL
