"""A reserve cadre promoted into township leadership fills the form: pages, downloads,
scope (another township's person is a 404), roles (403), audit, query counts."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from cadre_portal.documents import lrmx
from cadre_portal.models import AuditEvent
from reserves.models import PartyDevelopment, Promotion
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


def promoted(personas, village=None, **fields):
    c = b.appointed(personas, village, on=date(2021, 1, 10), **fields)
    PartyDevelopment.objects.create(candidate=c, step=PartyDevelopment.Step.PROBATIONARY, date=date(2019, 6, 20))
    p = Promotion.objects.create(candidate=c, date=date(2024, 3, 15), post="党委委员、副镇长", unit="崇阳县天城镇",
                                 kind="township_leadership")
    return c, p


def url(name, c, query=""):
    return reverse(f"documents:{name}", args=["reserves", c.pk]) + query


def test_county_staff_print_the_form_of_a_promoted_reserve_cadre(personas, login):
    c, _p = promoted(personas)
    page = login(personas.county_staff).get(url("rmb_print", c)).content.decode()
    assert c.name in page and "崇阳县天城镇党委委员、副镇长" in page
    assert "天城镇茅井村党组织委员" in page  # 现任职务 from the village post
    assert "2019.06" in page  # 入党时间 from party development
    assert "中共崇阳县委组织部" in page and 'data-testid="rmb-page-2"' in page


def test_the_age_is_counted_at_the_promotion_by_default(personas, login):
    c, _p = promoted(personas, birth_date=None)
    page = login(personas.county_staff).get(url("rmb_print", c)).content.decode()
    assert "1994.03\n（30岁）" in page  # born 1994.03 (builders), promoted 2024.03: the month counts


def test_the_age_date_can_be_chosen(personas, login):
    c, _p = promoted(personas)
    page = login(personas.county_staff).get(url("rmb_print", c, "?age_date=2025-06")).content.decode()
    assert "（31岁）" in page


def test_a_bad_option_is_explained_and_the_form_still_printed(personas, login):
    c, _p = promoted(personas)
    response = login(personas.county_staff).get(url("rmb_print", c, "?age_date=2025.13"))
    page = response.content.decode()
    assert response.status_code == 200 and "月份不存在" in page and c.name in page


def test_the_township_officer_prints_their_own_township_s_person(personas, login):
    c, _p = promoted(personas)
    assert login(personas.officer_a).get(url("rmb_print", c)).status_code == 200


def test_another_township_s_person_is_a_404(personas, login):
    c, _p = promoted(personas)
    client = login(personas.officer_b)
    assert [client.get(url(name, c)).status_code for name in ("rmb_print", "rmb_docx", "rmb_lrmx")] == [404, 404, 404]


def test_a_person_without_a_promotion_has_no_form(personas, login):
    c = b.appointed(personas)
    assert login(personas.county_staff).get(url("rmb_print", c)).status_code == 404


def test_a_domain_officer_may_not_generate_forms(personas, login):
    c, _p = promoted(personas)
    assert login(personas.domain_officer).get(url("rmb_print", c)).status_code == 403


def test_a_leader_prints_but_may_not_take_the_lrmx_with_the_full_id_number(personas, login):
    c, _p = promoted(personas)
    client = login(personas.leader)
    assert client.get(url("rmb_print", c)).status_code == 200
    assert client.get(url("rmb_lrmx", c)).status_code == 403
    assert 'data-testid="download-lrmx"' not in client.get(url("rmb_print", c)).content.decode()


def test_the_docx_download_is_the_form(personas, login):
    c, _p = promoted(personas)
    response = login(personas.county_staff).get(url("rmb_docx", c))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "attachment" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert len(doc.tables) == 2 and any(c.name in cell.text for cell in doc.tables[0].rows[0].cells)


def test_the_lrmx_download_passes_the_schema_and_carries_the_promotion(personas, login):
    c, _p = promoted(personas)
    response = login(personas.county_staff).get(url("rmb_lrmx", c))
    assert lrmx.validate_against_schema(response.content) == []
    form = lrmx.read(response.content).form
    assert form.id_number == c.id_number and form.proposed_post == "崇阳县天城镇党委委员、副镇长"


def test_the_occasion_picks_the_promotion(personas, login):
    c, first = promoted(personas)
    later = Promotion.objects.create(candidate=c, date=date(2025, 1, 5), post="党委副书记", unit="崇阳县沙坪镇")
    client = login(personas.county_staff)
    assert "崇阳县沙坪镇党委副书记" in client.get(url("rmb_print", c, f"?occasion={later.pk}")).content.decode()
    assert "崇阳县天城镇党委委员、副镇长" in client.get(url("rmb_print", c)).content.decode()  # the leadership one by default


def test_every_form_produced_is_audited(personas, login):
    c, _p = promoted(personas)
    client = login(personas.county_staff)
    client.get(url("rmb_print", c))
    client.get(url("rmb_docx", c))
    client.get(url("rmb_lrmx", c))
    summaries = list(AuditEvent.objects.filter(kind="export").values_list("summary", flat=True))
    assert [s.split("（")[1].split("）")[0] for s in summaries] == ["任免表文件", "Word", "打印预览"]
    assert all(c.name in s for s in summaries)


def test_the_person_page_links_to_the_form_once_promoted(personas, login):
    c, _p = promoted(personas)
    plain = b.appointed(personas, name="赵敏")
    client = login(personas.county_staff)
    assert url("rmb_print", c) in client.get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "rmb-print-link" not in client.get(reverse("reserves:detail", args=[plain.pk])).content.decode()


def test_the_print_view_needs_few_queries(personas, login, django_assert_max_num_queries):
    c, _p = promoted(personas)
    for year in (2022, 2023):
        Promotion.objects.create(candidate=c, date=date(year, 1, 1), post="副主任", unit=f"某单位{year}")
    client = login(personas.county_staff)
    with django_assert_max_num_queries(14):
        assert client.get(url("rmb_print", c)).status_code == 200


def test_the_hub_lists_the_sources_a_user_may_use(personas, login):
    page = login(personas.county_staff).get(reverse("documents:index")).content.decode()
    assert "村（社区）后备干部提拔使用" in page


def test_the_hub_is_closed_to_roles_that_make_no_forms(personas, login):
    assert login(personas.domain_officer).get(reverse("documents:index")).status_code == 403


def test_the_menu_offers_the_forms_to_county_staff_only(personas, login):
    assert reverse("documents:index") in login(personas.county_staff).get(reverse("home")).content.decode()
    assert reverse("documents:index") not in login(personas.officer_a).get(reverse("home")).content.decode()
