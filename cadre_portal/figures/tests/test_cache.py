"""The figure cache: only on PostgreSQL, and every committed write invalidates it."""

from __future__ import annotations

import pytest
from django.db import connection

from cadre_portal.figures import cache, compute, periods
from reserves.tests import builders

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the figure cache runs on PostgreSQL only")


def _publish_statistics():
    """What PostgreSQL does by itself within seconds: publish this backend's table counters."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT 1")
    cache._memo.update(at=-1e9)


def test_nothing_is_cached_when_the_cache_is_off(personas, settings):
    settings.FIGURES_CACHE_SECONDS = 0
    period = periods.preset(periods.THIS_YEAR)
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 0
    builders.draft(personas)
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_committed_write_invalidates_a_cached_figure(personas, settings):
    settings.FIGURES_CACHE_SECONDS, settings.FIGURES_CACHE_MIN_SECONDS, settings.FIGURES_CACHE_STALE_SECONDS = 300, 0, 0
    cache.clear()
    period = periods.preset(periods.THIS_YEAR)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 0
    builders.draft(personas)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_registry_leaves_the_bucket_lists_cached(personas, settings, django_assert_num_queries):
    settings.FIGURES_CACHE_SECONDS, settings.FIGURES_CACHE_MIN_SECONDS, settings.FIGURES_CACHE_STALE_SECONDS = 300, 0, 0
    cache.clear()
    period = periods.preset(periods.THIS_YEAR)
    _publish_statistics()
    compute.breakdown("reserves.nominated", personas.county_staff, period)
    builders.draft(personas)
    _publish_statistics()
    cache._reference_memo.update(at=-1e9)
    # The two versions, then the figure's one query: the townships are not read again.
    with django_assert_num_queries(3):
        table = compute.breakdown("reserves.nominated", personas.county_staff, period)
    assert table.total == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_each_scope_has_its_own_cached_numbers(personas, settings):
    settings.FIGURES_CACHE_SECONDS = 300
    cache.clear()
    builders.draft(personas, personas.tree.village_b1)
    _publish_statistics()
    period = periods.preset(periods.THIS_YEAR)
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 1
    assert compute.value("reserves.nominated", personas.officer_a, period).value == 0
    assert compute.value("reserves.nominated", personas.officer_b, period).value == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_stale_number_is_served_once_while_it_is_computed_again(personas, settings):
    settings.FIGURES_CACHE_SECONDS, settings.FIGURES_CACHE_MIN_SECONDS, settings.FIGURES_CACHE_STALE_SECONDS = 300, 0, 120
    cache.clear()
    period = periods.preset(periods.THIS_YEAR)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 0
    builders.draft(personas)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 0  # stale, refreshing
    cache.wait_for_refreshes()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_number_older_than_the_stale_window_is_computed_before_it_is_shown(personas, settings):
    settings.FIGURES_CACHE_SECONDS, settings.FIGURES_CACHE_MIN_SECONDS, settings.FIGURES_CACHE_STALE_SECONDS = 300, 0, 0
    cache.clear()
    period = periods.preset(periods.THIS_YEAR)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 0
    builders.draft(personas)
    _publish_statistics()
    assert compute.value("reserves.nominated", personas.county_staff, period).value == 1
