"""Junk in query strings and bodies is a 400 or an ignored filter, never a 500.

Every page that takes no object id — every list, export, figure, dashboard, overview
and form page of every app, plus each registry's export and each figure's rows — is
opened by each role with junk in every GET parameter it has: the parameters its own
page offers (GET forms and links back to it) and the common ones (page, sort, period,
township, …). Junk: NUL bytes, words where ids belong, huge and negative numbers,
unknown choices, impossible dates, bytes that are not UTF-8, repeated keys, very long
values. Then every POST URL is sent a body declared ``charset=utf-16``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from cadre_portal.tests.urlsweep import iter_routes

pytestmark = pytest.mark.django_db

# Parameters the portal's views read somewhere (lists.py, figures, dashboards, reports,
# reminders, notifications, the attendance page, talents and youth filters).
COMMON_PARAMS = (
    "page", "cursor", "sort", "q", "township", "village", "status", "stage", "year", "years",
    "domain", "period", "from", "to", "format", "template", "show", "kind", "tab", "missing",
    "region", "unit", "level", "export", "as_of", "bucket", "dim",
)

JUNK = (
    "abc",
    "\x00",
    "1\x00",
    "-1",
    "0",
    "99999999999999999999999999999999",
    "1e400",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "☃💥",
    "x" * 3000,
)
# Raw (already percent-encoded) query strings: bytes that are not UTF-8, repeated keys.
RAW_JUNK = ("{p}=%ff%fe", "{p}=1&{p}=2&{p}=abc", "{p}[]=1", "{p}=%00")

# URLs that only answer POST or stream something that is not a page.
SKIP = {"logout", "healthz", "notifications:mark_all_read", "notifications:trigger_scan"}


class _Params(HTMLParser):
    """Names of the GET forms' fields and of the query keys of links to ``path``."""

    def __init__(self, path):
        super().__init__()
        self.path, self.names, self._in_get_form = path, set(), False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self._in_get_form and a.get("name"):
            if a.get("type") not in ("submit", "button"):
                self.names.add(a["name"])
        elif tag == "a" and a.get("href") and "?" in a["href"]:
            parts = urlsplit(a["href"])
            if parts.path in ("", self.path):
                self.names.update(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _fuzz_urls():
    """Every GET page without an object id; registry/figure/queue/domain keys filled in
    (every registry's export; one figure per section — they share one view)."""
    from cadre_portal.excel import resources
    from cadre_portal.figures import registry as figures

    one_per_section = {}
    for figure in figures.all_figures():
        one_per_section.setdefault(getattr(figure, "section", None), figure.key)
    keyed = {
        "excel:export": [r.key for r in resources.all_registries()],
        "figures:rows": list(one_per_section.values()) + ["no.such.figure"],
        "talents:list": ["education", "medical", "agriculture", "industry", "culture", "nosuch"],
        "reserves:review_queue": ["nominations", "final", "committee", "nosuch"],
        "dashboards:export": ["nosuch"],
    }
    urls = []
    for route in iter_routes():
        if route.name in SKIP:
            continue
        if not route.converters:
            urls.append(reverse(route.name))
        elif route.name in keyed and len(route.converters) == 1:
            (name,) = route.converters
            for value in keyed[route.name]:
                try:
                    urls.append(reverse(route.name, kwargs={name: value}))
                except NoReverseMatch:
                    pass
    return urls


def _params_of(client, url):
    response = client.get(url)
    names = set(COMMON_PARAMS)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        parser = _Params(url)
        parser.feed(response.content.decode("utf-8", "replace"))
        names |= parser.names
    return sorted(n for n in names if re.fullmatch(r"[\w\-\[\]]+", n) and n != "csrfmiddlewaretoken")


def _sweep(client, urls, junk):
    """One request per junk value per URL with every parameter of the page set to it
    (a page reads all its parameters on every request, so each is exercised)."""
    failures, requests = [], 0
    for url in urls:
        params = [quote(p) for p in _params_of(client, url)]
        for value in junk:
            if "{p}" in value:  # a raw query-string shape
                query = "&".join(value.format(p=p) for p in params)
            else:
                query = "&".join(f"{p}={quote(value)}" for p in params)
            requests += 1
            try:
                status = client.get(url, QUERY_STRING=query).status_code
            except Exception as exc:  # noqa: BLE001 - the sweep reports every crash, not just the first
                failures.append(f"GET {url} with {value[:20]!r} raised {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if status >= 500:
                failures.append(f"GET {url} with {value[:20]!r} -> {status}")
    return failures, requests


@pytest.fixture
def fuzz_world(personas, unit_contacts):
    """A little of everything, so the pages render rows (sorting, paging, masking)."""
    from reserves.tests import figures_world

    figures_world.build(personas)
    return personas


ALL_JUNK = JUNK + RAW_JUNK
# Other roles take the values that found crashes in the county sweep's kinds.
SHORT_JUNK = ("abc", "\x00", "99999999999999999999999999999999", "2026-02-30", "{p}=%ff%fe", "{p}=1&{p}=abc")


def _user(personas, unit_contacts, role):
    return getattr(unit_contacts, role) if role.startswith("contact") else getattr(personas, role)


def test_junk_in_any_query_parameter_is_never_a_500_for_county_staff(fuzz_world, unit_contacts):
    client = Client()
    client.force_login(fuzz_world.county_staff)
    failures, requests = _sweep(client, _fuzz_urls(), ALL_JUNK)
    assert requests > 500, "the sweep should reach many pages"
    assert failures == [], f"{len(failures)} crashes, e.g.:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("role", ("officer_a", "leader", "domain_officer", "admin", "contact_b"))
def test_junk_in_any_query_parameter_is_never_a_500_for_other_roles(fuzz_world, unit_contacts, role):
    client = Client()
    client.force_login(_user(fuzz_world, unit_contacts, role))
    failures, requests = _sweep(client, _fuzz_urls(), SHORT_JUNK)
    assert requests > 100
    assert failures == [], f"{len(failures)} crashes, e.g.:\n" + "\n".join(failures[:40])


def test_the_sweep_reaches_every_app():
    urls = _fuzz_urls()
    for prefix in ("/reserves/", "/youth/", "/talents/", "/excel/", "/figures/", "/dashboards/"):
        assert any(prefix in u for u in urls), prefix


# --- bodies in a charset Django cannot read as form data ----------------------------------


def test_a_form_posted_as_utf16_is_never_a_500(fuzz_world):
    client = Client()
    client.force_login(fuzz_world.county_staff)
    body = "name=张三&q=\x00".encode("utf-16")
    failures = []
    for route in iter_routes():
        if route.converters or route.name in {"logout"}:
            continue
        url = reverse(route.name)
        for content_type in ("application/x-www-form-urlencoded; charset=utf-16",
                             "multipart/form-data; boundary=x; charset=utf-16",
                             "application/x-www-form-urlencoded; charset=no-such-charset"):
            try:
                status = client.generic("POST", url, body, content_type=content_type).status_code
            except Exception as exc:  # noqa: BLE001
                failures.append(f"POST {url} ({content_type}) raised {type(exc).__name__}: {str(exc)[:160]}")
                continue
            if status >= 500:
                failures.append(f"POST {url} ({content_type}) -> {status}")
    assert failures == [], "\n".join(failures[:40])


# --- the classes the sweep found, pinned one by one ---------------------------------------


@pytest.mark.parametrize("url", ["/youth/worklog/", "/youth/training-records/", "/youth/supervision/"])
def test_an_id_filter_beyond_any_database_integer_is_ignored(personas, url):
    client = Client()
    client.force_login(personas.county_staff)
    response = client.get(url, {"cadre": "9" * 30})
    assert response.status_code == 200


def test_a_number_filter_keeps_its_own_limits_and_gains_the_database_range():
    import django_filters
    from django.core.validators import MaxValueValidator

    from cadre_portal.filters import NUMBER_LIMIT, PortalFilterSet
    from cadre_portal.models import Region

    class F(PortalFilterSet):
        level = django_filters.NumberFilter()

        class Meta:
            model = Region
            fields = ["level"]

    form = F({"level": str(NUMBER_LIMIT + 1)}, queryset=Region.objects.all()).form
    assert not form.is_valid()
    assert any(isinstance(v, MaxValueValidator) and v.limit_value == NUMBER_LIMIT for v in form.fields["level"].validators)
