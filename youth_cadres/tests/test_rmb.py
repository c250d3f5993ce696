"""A bank cadre fills the 干部任免审批表: every field, the appointment and its round, batches,
scope (404), roles (403), query counts; the reserves form borrows the bank's record."""

import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse
from docx import Document

from cadre_portal.documents import lrmx
from cadre_portal.models import Region
from cadre_portal.testing import make_region, make_unit
from youth_cadres.tests.rmb_builders import full_cadre, round_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(tree):
    return make_unit("崇阳县天城镇人民政府", tree.township_a)


def url(name, cadre, query=""):
    return reverse(f"documents:{name}", args=["youth", cadre.pk]) + query


def test_every_field_of_the_cadre_file_is_on_the_printed_form(personas, login, unit):
    cadre = full_cadre(unit)
    page = login(personas.county_staff).get(url("rmb_print", cadre, "?age_date=2024-05")).content.decode()
    expected = [
        "陈志远", "男", "1990.05", "（34岁）", "汉族", "湖北崇阳", "2011.06", "2012.07", "健康", "经济师", "农村经济管理",
        "大学", "管理学学士", "华中农业大学经济管理学院农林经济管理专业", "研究生", "公共管理硕士", "湖北省委党校经济管理专业",
        "华中农业大学公共管理专业", "崇阳县天城镇党委委员、副镇长", "2008.09--2012.07", "2018.09--",
        "（其间：2018.09--2021.07在湖北省委党校经济管理专业在职研究生学习）", "2019.12 被崇阳县委评为优秀共产党员",
        "2022.01 记三等功", "2021年度考核优秀；2022年度考核称职；2023年度考核优秀。", "妻子", "刘敏", "32", "中共党员",
        "崇阳县第一中学教师", "陈一鸣", "群众", "中共崇阳县委组织部", "data:image/jpeg;base64,",
    ]
    assert [value for value in expected if value not in page] == []


def test_only_the_last_three_years_of_assessments_are_printed(personas, login, unit):
    page = login(personas.county_staff).get(url("rmb_print", full_cadre(unit))).content.decode()
    assert "2020年度" not in page and "2023年度考核优秀" in page


def test_the_appointment_and_its_round_fill_the_appointment_part(personas, login, unit):
    cadre = full_cadre(unit)
    _round, (appointment,) = round_with([cadre])
    page = login(personas.county_staff).get(url("rmb_print", cadre)).content.decode()
    assert appointment.post.full_title in page  # 拟任 (the latest appointment by default)
    assert "崇阳县天城镇党委委员、副镇长职务" in page and "工作需要。" in page  # 拟免, 理由
    assert "填表人：王晓燕" in page and "填表时间：2024.06" in page
    assert "（34岁）" in page  # counted at the round's date, 2024.06


def test_the_form_without_an_appointment_leaves_the_appointment_part_empty(personas, login, unit):
    cadre = full_cadre(unit)
    round_with([cadre])
    form = lrmx.read(login(personas.county_staff).get(url("rmb_lrmx", cadre, "?occasion=")).content).form
    assert form.proposed_post == "" and form.reason == ""


def test_the_lrmx_carries_every_element_and_passes_the_schema(personas, login, unit):
    cadre = full_cadre(unit)
    round_with([cadre])
    data = login(personas.county_staff).get(url("rmb_lrmx", cadre)).content
    assert lrmx.validate_against_schema(data) == []
    form = lrmx.read(data).form
    assert form.id_number == cadre.id_number and form.photo and len(form.family) == 2 and len(form.resume) == 3
    assert form.fulltime_degree_school == "华中农业大学经济管理学院农林经济管理专业"


def test_the_docx_is_two_pages_with_the_photo(personas, login, unit):
    response = login(personas.county_staff).get(url("rmb_docx", full_cadre(unit)))
    doc = Document(io.BytesIO(response.content))
    assert len(doc.tables) == 2 and len(doc.inline_shapes) == 1


def test_a_cadre_outside_the_users_scope_is_a_404(personas, login):
    other_county = make_region("421224", "通山县", Region.Level.COUNTY, Region.Kind.COUNTY)
    cadre = full_cadre(make_unit("通山县水利局", other_county))
    client = login(personas.county_staff)
    assert [client.get(url(n, cadre)).status_code for n in ("rmb_print", "rmb_docx", "rmb_lrmx")] == [404, 404, 404]


def test_township_and_domain_officers_may_not_generate_bank_forms(personas, login, unit):
    cadre = full_cadre(unit)
    assert login(personas.officer_a).get(url("rmb_print", cadre)).status_code == 403
    assert login(personas.domain_officer).get(url("rmb_print", cadre)).status_code == 403


def test_a_leader_prints_but_gets_no_lrmx(personas, login, unit):
    cadre = full_cadre(unit)
    client = login(personas.leader)
    assert client.get(url("rmb_print", cadre)).status_code == 200
    assert client.get(url("rmb_lrmx", cadre)).status_code == 403


def test_a_round_prints_every_person_in_one_file(personas, login, unit):
    first, second = full_cadre(unit), full_cadre(unit, name="李娜", birth=date(1992, 2, 14), female=True)
    r, _ = round_with([first, second])
    client = login(personas.county_staff)
    page = client.get(reverse("documents:batch_print", args=["youth", r.pk])).content.decode()
    assert "陈志远" in page and "李娜" in page and page.count('data-testid="rmb-page-1"') == 2
    doc = Document(io.BytesIO(client.get(reverse("documents:batch_docx", args=["youth", r.pk])).content))
    assert len(doc.tables) == 4
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("documents:batch_lrmx", args=["youth", r.pk])).content))
    assert sorted(archive.namelist()) == ["李娜.lrmx", "陈志远.lrmx"]
    assert all(lrmx.validate_against_schema(archive.read(n)) == [] for n in archive.namelist())


def test_the_hub_lists_the_rounds_with_their_people(personas, login, unit):
    r, _ = round_with([full_cadre(unit)])
    page = login(personas.county_staff).get(reverse("documents:index")).content.decode()
    assert r.title in page and reverse("documents:batch_print", args=["youth", r.pk]) in page


def test_an_unknown_round_is_a_404(personas, login):
    assert login(personas.county_staff).get(reverse("documents:batch_print", args=["youth", 999])).status_code == 404


def test_a_batch_costs_the_same_queries_for_one_person_or_five(personas, login, unit, django_assert_max_num_queries):
    client = login(personas.county_staff)
    one, _ = round_with([full_cadre(unit)], title="一人")
    five, _ = round_with([full_cadre(unit, name=f"干部{'甲乙丙丁戊'[i]}", birth=date(1990, 1, i + 1)) for i in range(5)], title="五人")
    with django_assert_max_num_queries(20) as one_run:
        client.get(reverse("documents:batch_print", args=["youth", one.pk]))
    with django_assert_max_num_queries(len(one_run.captured_queries)):
        client.get(reverse("documents:batch_print", args=["youth", five.pk]))


def test_the_reserves_form_uses_the_bank_record_of_the_same_person(personas, login, unit):
    from reserves.models import Promotion
    from reserves.tests import builders as b

    candidate = b.appointed(personas)
    Promotion.objects.create(candidate=candidate, date=date(2024, 3, 1), post="副镇长", unit="崇阳县天城镇", kind="township_leadership")
    full_cadre(unit, id_number=candidate.id_number, name=candidate.name)
    page = login(personas.county_staff).get(reverse("documents:rmb_print", args=["reserves", candidate.pk])).content.decode()
    assert "华中农业大学公共管理专业" in page and "崇阳县天城镇副镇长" in page


def test_the_cadre_page_links_to_the_form_and_its_downloads(personas, login, unit):
    cadre = full_cadre(unit)
    page = login(personas.county_staff).get(reverse("youth_cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert url("rmb_print", cadre) in page and url("rmb_docx", cadre) in page and url("rmb_lrmx", cadre) in page


def test_a_leader_sees_no_lrmx_link_on_the_cadre_page(personas, login, unit):
    cadre = full_cadre(unit)
    page = login(personas.leader).get(reverse("youth_cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert url("rmb_print", cadre) in page and url("rmb_lrmx", cadre) not in page


def test_the_round_page_prints_the_whole_round(personas, login, unit):
    r, _ = round_with([full_cadre(unit)])
    page = login(personas.county_staff).get(reverse("youth_cadres:round_detail", args=[r.pk])).content.decode()
    assert reverse("documents:batch_print", args=["youth", r.pk]) in page
    assert reverse("documents:batch_docx", args=["youth", r.pk]) in page


def test_the_cadre_form_takes_the_degree_schools(personas, login, unit):
    from youth_cadres.forms import CadreForm

    assert {"fulltime_degree_school", "inservice_degree_school"} <= set(CadreForm.base_fields)
