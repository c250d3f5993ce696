"""The overview for a period and the per-village readiness view: numbers from the
figures' rows and the shared event definitions, each equal to the list it opens,
every count within the viewer's scope."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cadre_portal.figures import compute
from cadre_portal.figures.periods import make_range, preset
from cadre_portal.models import AuditEvent
from reserves import events, readiness
from reserves.models import Candidate, ElectionSchedule, Promotion, VillageSeatPlan
from reserves.tests import builders as b

S = Candidate.Stage
pytestmark = pytest.mark.django_db


def _list_names(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return sorted(c.name for c in response.context["listing"].records)


# --- the list's date filter ------------------------------------------------------------------


def test_the_date_filter_finds_who_was_filed_in_the_range(personas, login):
    b.training(personas, name="今年备案")
    page = login(personas.county_staff).get(reverse("reserves:list"), {
        "date_event": "filed", "date_from": date.today().isoformat(), "date_to": date.today().isoformat()})
    assert [c.name for c in page.context["listing"].records] == ["今年备案"]
    none = login(personas.county_staff).get(reverse("reserves:list"), {
        "date_event": "filed", "date_from": "2020-01-01", "date_to": "2020-12-31"})
    assert none.context["listing"].records == []


def test_an_inverted_date_range_is_explained_and_not_applied(personas, login):
    b.training(personas)
    page = login(personas.county_staff).get(reverse("reserves:list"), {
        "date_event": "filed", "date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert page.status_code == 200 and "早于开始日期" in page.content.decode()


def test_dates_without_an_event_ask_which_date(personas, login):
    page = login(personas.county_staff).get(reverse("reserves:list"), {"date_from": "2026-01-01"})
    assert "请选择按哪个日期筛选" in page.content.decode()


@pytest.mark.parametrize("key, figure", [
    ("nominated", "reserves.nominated"), ("filed", "reserves.filed"), ("admitted", "reserves.admitted_to_pool"),
    ("appointed", "reserves.appointed"), ("promoted", "reserves.promoted_township_leadership"),
])
def test_each_date_filter_agrees_with_its_figure(personas, login, key, figure):
    b.appointed(personas, name="任用甲")
    c = b.pooled(personas, personas.tree.village_b1, name="入库乙")
    Promotion.objects.create(candidate=c, date=date.today(), post="副镇长", kind="township_leadership")
    b.draft(personas, name="草稿丙")
    period = preset("this_year")
    for user in (personas.county_staff, personas.officer_a, personas.officer_b):
        expected = compute.value(figure, user, period).value
        listed = login(user).get(reverse("reserves:list"), {
            "date_event": key, "date_from": period.start.isoformat(), "date_to": period.end.isoformat()})
        assert listed.context["listing"].count.value == expected, (user, key)


# --- the overview -----------------------------------------------------------------------------


def test_the_overview_counts_the_periods_events_per_township(personas, login):
    b.training(personas)
    b.training(personas, personas.tree.village_b1, name="赵敏")
    response = login(personas.county_staff).get(reverse("reserves:overview"), {"period": "this_year"})
    o = response.context["o"]
    filed = o.flow_labels.index(events.get("filed").verb)
    by_township = {row.township.name: row.flows[filed].value for row in o.rows}
    assert by_township == {"天城镇": 1, "沙坪镇": 1} and o.totals.flows[filed].value == 2


def test_every_overview_number_opens_a_list_of_as_many_people(personas, login):
    b.training(personas)
    b.appointed(personas, personas.tree.village_b1, name="赵敏")
    b.pooled(personas, name="钱多")
    client = login(personas.county_staff)
    o = client.get(reverse("reserves:overview")).context["o"]
    cells = [c for row in [*o.rows, o.totals] for c in [*row.stages, *row.flows, row.behind, row.due] if c and c.url]
    assert cells
    for cell in cells:
        listing = client.get(cell.url).context["listing"]
        assert listing.count.value == cell.value, cell.url


def test_a_past_period_counts_stages_as_they_were(personas, login):
    c = b.training(personas)
    Candidate.objects.filter(pk=c.pk)  # filed today: before today nobody was in training
    yesterday = date.today() - timedelta(days=1)
    response = login(personas.county_staff).get(reverse("reserves:overview"), {
        "period": "range", "from": (yesterday - timedelta(days=30)).isoformat(), "to": yesterday.isoformat()})
    o = response.context["o"]
    assert not o.current and sum(cell.value for cell in o.totals.stages) == 0
    assert "学时进度落后" in response.content.decode() and o.totals.behind is None


def test_a_bad_period_falls_back_with_a_message(personas, login):
    response = login(personas.county_staff).get(reverse("reserves:overview"), {"period": "range", "from": "x", "to": "y"}, follow=True)
    assert response.status_code == 200 and "不是有效日期" in response.content.decode()


def test_the_domain_officer_gets_no_reserves_numbers(personas, login):
    b.training(personas)
    client = login(personas.domain_officer)
    assert client.get(reverse("reserves:overview")).status_code == 403
    assert client.get(reverse("reserves:villages")).status_code == 403
    assert client.get(reverse("reserves:villages_export")).status_code == 403


def test_the_overview_costs_the_same_queries_for_1_and_50_people(personas, login):
    from reserves.tests.test_lists import _import, _queries

    client = login(personas.county_staff)
    _import(personas, 1)
    one = _queries(client, reverse("reserves:overview"))
    _import(personas, 49)
    assert _queries(client, reverse("reserves:overview")) == one


# --- readiness per village ------------------------------------------------------------------------


def _row(user, village):
    return next(r for r in readiness.build(user).rows if r.village.pk == village.pk)


def test_a_village_with_an_empty_pool_is_not_ready(personas):
    b.training(personas)
    row = _row(personas.county_staff, personas.tree.village_a1)
    assert (row.training, row.pool, row.vacancies, row.vacancies_entered, row.verdict) == (1, 0, 1, False, "none")


def test_a_pool_as_large_as_the_vacancies_is_ready(personas):
    b.pooled(personas)
    b.pooled(personas, name="钱多")
    VillageSeatPlan.objects.create(village=personas.tree.village_a1, vacancies=2, posts="村委会委员")
    assert _row(personas.county_staff, personas.tree.village_a1).verdict == "ready"
    VillageSeatPlan.objects.filter(village=personas.tree.village_a1).update(vacancies=3)
    row = _row(personas.county_staff, personas.tree.village_a1)
    assert (row.verdict, row.shortfall, row.verdict_label) == ("short", 1, "人选不足（缺1人）")


def test_the_townships_own_election_date_wins_over_the_countys(personas):
    ElectionSchedule.objects.create(region=personas.tree.county, next_election=date(2027, 3, 1))
    ElectionSchedule.objects.create(region=personas.tree.township_b, next_election=date(2027, 6, 1))
    assert _row(personas.county_staff, personas.tree.village_a1).next_election == date(2027, 3, 1)
    assert _row(personas.county_staff, personas.tree.village_b1).next_election == date(2027, 6, 1)


def test_trainees_ending_before_the_election_can_still_enter_the_pool(personas):
    ElectionSchedule.objects.create(region=personas.tree.county, next_election=date.today() + timedelta(days=400))
    b.training(personas, start=date.today() - timedelta(days=600), name="快满")
    b.training(personas, start=date.today(), name="刚开始")
    assert _row(personas.county_staff, personas.tree.village_a1).coming == 1


def test_the_officer_sees_only_the_townships_villages(personas, login):
    b.training(personas, personas.tree.village_b1)
    response = login(personas.officer_a).get(reverse("reserves:villages"))
    names = {r.village.name for r in response.context["listing"].records}
    assert names == {"茅井村", "大岭村"} and "沙坪村" not in response.content.decode()


def test_the_village_table_filters_by_verdict_and_sorts(personas, login):
    b.pooled(personas)
    client = login(personas.county_staff)
    ready = client.get(reverse("reserves:villages"), {"verdict": "ready"}).context["listing"].records
    assert [r.village.name for r in ready] == ["茅井村"]
    ordered = client.get(reverse("reserves:villages"), {"sort": "-pool"}).context["listing"].records
    assert ordered[0].village.name == "茅井村"


def test_the_village_export_holds_the_rows_shown(personas, login):
    import io

    from openpyxl import load_workbook

    b.pooled(personas)
    response = login(personas.county_staff).get(reverse("reserves:villages_export"), {"verdict": "ready"})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    assert [v[1] for v in values] == ["茅井村"] and values[0][-2] == "人选充足"
    assert AuditEvent.objects.filter(kind="export", summary__contains="换届人选准备").exists()


def test_the_village_page_links_and_export_keep_the_filters(personas, login):
    page = login(personas.county_staff).get(reverse("reserves:villages"), {"verdict": "none", "sort": "pool"})
    query = parse_qs(urlsplit(page.context["listing"].export_url).query)
    assert query == {"verdict": ["none"], "sort": ["pool"]}


def test_the_village_page_costs_the_same_queries_for_1_and_50_people(personas, login):
    from reserves.tests.test_lists import _import, _queries

    client = login(personas.officer_a)
    _import(personas, 1, village=personas.tree.village_a1)
    one = _queries(client, reverse("reserves:villages"))
    _import(personas, 49, village=personas.tree.village_a2)
    assert _queries(client, reverse("reserves:villages")) == one


# --- writing the 换届 dates and vacancies ------------------------------------------------------------


def test_county_staff_set_the_election_dates_and_it_is_audited(personas, login):
    client = login(personas.county_staff)
    response = client.post(reverse("reserves:election_schedule"), {
        "county_date": "2027-03-01", f"t{personas.tree.township_b.pk}": "2027-06-01"})
    assert response.status_code == 302
    assert dict(ElectionSchedule.objects.values_list("region__name", "next_election")) == {
        "崇阳县": date(2027, 3, 1), "沙坪镇": date(2027, 6, 1)}
    event = AuditEvent.objects.get(summary__startswith="设置换届时间")
    assert "沙坪镇 未设 → 2027-06-01" in event.summary


def test_an_implausible_election_date_is_refused_and_the_input_kept(personas, login):
    page = login(personas.county_staff).post(reverse("reserves:election_schedule"), {"county_date": "1999-01-01"})
    assert page.status_code == 200 and "换届日期应在去年至今后十年之内" in page.content.decode()
    assert 'value="1999-01-01"' in page.content.decode() and not ElectionSchedule.objects.exists()


def test_officers_and_leaders_cannot_set_election_dates(personas, login):
    for user in (personas.officer_a, personas.leader):
        assert login(user).post(reverse("reserves:election_schedule"), {"county_date": "2027-03-01"}).status_code == 403
    assert not ElectionSchedule.objects.exists()


def test_the_officer_enters_vacancies_for_the_townships_villages(personas, login):
    a1, a2 = personas.tree.village_a1, personas.tree.village_a2
    client = login(personas.officer_a)
    response = client.post(reverse("reserves:seat_plans"), {f"n{a1.pk}": "2", f"p{a1.pk}": "村委会委员", f"n{a2.pk}": ""})
    assert response.status_code == 302
    assert list(VillageSeatPlan.objects.values_list("village__name", "vacancies", "posts")) == [("茅井村", 2, "村委会委员")]
    assert "茅井村 未填 → 2" in AuditEvent.objects.get(summary__startswith="填报天城镇").summary


def test_a_bad_vacancy_count_keeps_every_value_typed(personas, login):
    a1, a2 = personas.tree.village_a1, personas.tree.village_a2
    page = login(personas.officer_a).post(reverse("reserves:seat_plans"), {f"n{a1.pk}": "-1", f"n{a2.pk}": "3", f"p{a2.pk}": "书记"})
    text = page.content.decode()
    assert page.status_code == 200 and "不能小于0" in text and 'value="3"' in text and "书记" in text
    assert not VillageSeatPlan.objects.exists()


def test_another_townships_village_cannot_be_smuggled_into_a_save(personas):
    with pytest.raises(readiness.ReadinessError):
        readiness.set_seat_plans(by=personas.officer_a, township=personas.tree.township_a,
                                 plans={personas.tree.village_b1.pk: (3, "")})
    assert not VillageSeatPlan.objects.exists()


def test_county_staff_pick_a_township_for_the_vacancies(personas, login):
    client = login(personas.county_staff)
    assert "请选择乡镇" in client.get(reverse("reserves:seat_plans")).content.decode()
    page = client.get(reverse("reserves:seat_plans"), {"township": personas.tree.township_b.pk}).content.decode()
    assert "沙坪村" in page and "茅井村" not in page


def test_a_custom_range_reaches_the_event_filter():
    period = make_range(date(2025, 1, 1), date(2025, 12, 31))
    from reserves.overview import event_list_url

    assert parse_qs(urlsplit(event_list_url("filed", period)).query) == {
        "date_event": ["filed"], "date_from": ["2025-01-01"], "date_to": ["2025-12-31"]}


# --- aggregates are scoped like rows (issue 15 item 9) ------------------------------------------------


@pytest.fixture
def county_of_two(personas):
    """Township A: one trainee; township B: a pool member, three trainees and attendance."""
    from decimal import Decimal

    from reserves import workflow
    from reserves.models import TrainingSession

    b.training(personas, name="甲一")
    b.pooled(personas, personas.tree.village_b1, name="乙池")
    others = [b.training(personas, personas.tree.village_b1, name=f"乙{i}") for i in range(3)]
    s = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=Decimal(4))
    workflow.record_attendance(session=s, candidates=others, by=personas.county_staff)
    return personas


@pytest.mark.parametrize("who", ["officer_a", "officer_b", "county_staff", "leader", "admin", "domain_officer"])
def test_every_reserves_number_counts_only_what_its_viewer_may_open(county_of_two, login, who):
    from reserves.models import Attendance

    user = getattr(county_of_two, who)
    client = login(user)
    people = Candidate.objects.visible_to(user)
    listed = client.get(reverse("reserves:list"))
    if listed.status_code == 200:
        assert listed.context["listing"].count.value == people.count()
    pool = client.get(reverse("reserves:pool"))
    if pool.status_code == 200:
        assert pool.context["listing"].count.value == people.filter(stage=S.POOL).count()
    training = client.get(reverse("reserves:training"))
    if training.status_code == 200:
        counts = training.context["listing"].table.attended_counts
        assert sum(counts.values()) == Attendance.objects.visible_to(user).count()
        assert training.context["in_training"] == people.filter(stage=S.TRAINING).count()
    overview = client.get(reverse("reserves:overview"))
    if overview.status_code == 200:
        o = overview.context["o"]
        assert sum(c.value for c in o.totals.stages) == people.count()
        assert {row.township.pk for row in o.rows} <= set(
            county_of_two.tree.county.children.values_list("pk", flat=True))
    villages = client.get(reverse("reserves:villages"))
    if villages.status_code == 200:
        totals = villages.context["data"].totals
        assert totals["active"] == people.filter(stage__in=Candidate.ACTIVE_STAGES).count()
        assert totals["pool"] == people.filter(stage=S.POOL).count()
    if who == "domain_officer":
        assert people.count() == 0
        assert {listed.status_code, pool.status_code} <= {200, 403} and overview.status_code == 403 and villages.status_code == 403
