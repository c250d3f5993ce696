"""The audit page as a keyset list: newest first, the oldest page reached directly,
filters kept across pages, the other township's entries never shown, fixed queries."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadre_portal.models import AuditEvent, Region

pytestmark = pytest.mark.django_db


def _events(n, *, region, kind=AuditEvent.Kind.EXPORT, user=None, start=0):
    now = timezone.now()
    made = AuditEvent.objects.bulk_create([
        AuditEvent(kind=kind, user=user, username=user.username if user else "", region=region, summary=f"第{start + i}条")
        for i in range(n)
    ])
    # created_at is auto_now_add: date them one minute apart, the first the oldest.
    for i, event in enumerate(made):
        AuditEvent.objects.filter(pk=event.pk).update(created_at=now - timedelta(minutes=n - i + start * 1000))
    return made


def _summaries(response):
    return [e.summary for e in response.context["listing"].records]


def test_the_audit_page_shows_the_newest_first_and_reaches_the_oldest_page(personas, login):
    _events(120, region=personas.tree.township_a, user=personas.officer_a)
    client = login(personas.county_staff)
    first = client.get(reverse("audit_log"), {"kind": "export"})
    assert _summaries(first)[:2] == ["第119条", "第118条"] and len(_summaries(first)) == 50
    last = client.get(reverse("audit_log"), {"kind": "export", "last": "1"})
    assert _summaries(last)[0] == "第49条" and _summaries(last)[-1] == "第0条"
    following = client.get(reverse("audit_log") + first.context["listing"].next_url)
    assert _summaries(following)[0] == "第69条"


def test_the_next_audit_page_keeps_the_kind_filter(personas, login):
    _events(60, region=personas.tree.township_a, kind=AuditEvent.Kind.IMPORT, user=personas.officer_a)
    _events(60, region=personas.tree.township_a, kind=AuditEvent.Kind.EXPORT, user=personas.officer_a, start=100)
    client = login(personas.county_staff)
    first = client.get(reverse("audit_log"), {"kind": "import"})
    next_url = first.context["listing"].next_url
    assert parse_qs(urlsplit(next_url).query)["kind"] == ["import"]
    second = client.get(reverse("audit_log") + next_url)
    assert len(_summaries(second)) == 10
    assert {e.kind for e in second.context["listing"].records} == {"import"}


def test_a_township_officer_never_reads_the_audit_page_and_county_staff_see_only_their_county(personas, login):
    elsewhere = Region.objects.create(code="421224", name="通山县", level=Region.Level.COUNTY, kind=Region.Kind.COUNTY)
    _events(3, region=elsewhere)
    _events(2, region=personas.tree.township_b, user=personas.officer_b)
    assert login(personas.officer_a).get(reverse("audit_log")).status_code == 403
    response = login(personas.county_staff).get(reverse("audit_log"), {"kind": "export"})
    assert sorted(_summaries(response)) == ["第0条", "第1条"]
    assert "共 2 条" in response.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_audit_page_costs_the_same_queries_for_1_and_50_rows_and_on_the_last_page(personas, login):
    client = login(personas.county_staff)
    _events(1, region=personas.tree.township_a, user=personas.officer_a)
    one = _queries(client, reverse("audit_log"))
    _events(49, region=personas.tree.township_b, user=personas.officer_b, start=10)
    _events(30, region=personas.tree.township_a, start=20)
    assert len(client.get(reverse("audit_log")).context["listing"].records) == 50
    assert _queries(client, reverse("audit_log")) == one
    assert _queries(client, reverse("audit_log") + "?last=1") == one
