"""Print views: a person's record and a village's nomination list (A4, no navigation, no actions)."""

from __future__ import annotations

import os
import re

import pytest
from django.urls import reverse

from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Candidate
from reserves.tests import builders as b

NAMES = "甲乙丙丁戊己庚辛壬癸"


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_print_has_the_title_and_the_record_but_no_navigation_or_actions(login, personas):
    c = b.pooled(personas)
    html = _page(login(personas.county_staff), reverse("reserves:print", args=[c.pk]))
    assert "<h1>村（社区）后备干部情况</h1>" in html
    assert c.name in html and c.id_number in html and "储备库" in html and "村党组织书记人选" in html
    assert "纳入储备库" in html  # the timeline, with the action's label
    assert "navbar" not in html and "退出登录" not in html and "办理" not in html and "<form" not in html
    assert 'data-print' in html and "js/reserves.js" in html and "css/reserves_print.css" in html


def test_the_person_print_shows_no_raw_codes(login, personas):
    c = b.pooled(personas)
    text = re.sub(r"<[^>]+>", " ", _page(login(personas.county_staff), reverse("reserves:print", args=[c.pk])).split("<body>")[1])
    for code in ("final_filed", "training", "pool", "admit", "election", "None"):
        assert not re.search(rf"\b{code}\b", text), code


def test_the_person_print_uses_no_inline_script(login, personas):
    c = b.draft(personas)
    html = _page(login(personas.officer_a), reverse("reserves:print", args=[c.pk]))
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []


def test_another_townships_person_cannot_be_printed(login, personas):
    c = b.draft(personas)
    assert login(personas.officer_b).get(reverse("reserves:print", args=[c.pk])).status_code == 404


def test_a_leader_prints_the_id_number_masked(login, personas):
    c = b.submitted(personas)
    html = _page(login(personas.leader), reverse("reserves:print", args=[c.pk]))
    assert c.id_number not in html and c.masked_id_number in html


def test_the_detail_page_links_to_the_print_view(login, personas):
    c = b.draft(personas)
    html = _page(login(personas.officer_a), reverse("reserves:detail", args=[c.pk]))
    assert reverse("reserves:print", args=[c.pk]) in html


def _drafts(personas, village, n):
    officer = b.officer_for(personas, Candidate(village=village))
    people = [b.new_candidate(village, name=f"王{NAMES[i % 10]}{NAMES[i // 10]}", id_number=make_id_number()) for i in range(n)]
    return workflow.create_drafts(candidates=people, by=officer)


def test_the_village_list_holds_the_villages_open_records_only(login, personas):
    tree = personas.tree
    submitted = b.submitted(personas, tree.village_a1, name="李强")
    draft = b.draft(personas, tree.village_a1, name="赵敏")
    withdrawn = b.training(personas, tree.village_a1, name="钱进")
    workflow.withdraw(candidate=withdrawn, by=personas.county_staff, reason="本人申请")
    elsewhere = b.draft(personas, tree.village_a2, name="孙丽")
    html = _page(login(personas.officer_a), reverse("reserves:village_print", args=[tree.village_a1.pk]))
    assert "<h1>村（社区）后备干部推荐名单</h1>" in html and "茅井村" in html and "天城镇" in html
    assert submitted.name in html and draft.name in html
    assert withdrawn.name not in html and elsewhere.name not in html
    assert "共 2 人（计入每村规模 1 人）" in html
    assert "navbar" not in html and "<form" not in html and "data-print" in html


def test_another_townships_village_list_is_a_404(login, personas):
    assert login(personas.officer_b).get(reverse("reserves:village_print", args=[personas.tree.village_a1.pk])).status_code == 404


def test_a_township_is_not_a_village_list(login, personas):
    assert login(personas.county_staff).get(reverse("reserves:village_print", args=[personas.tree.township_a.pk])).status_code == 404


def test_the_review_page_links_to_the_village_list(login, personas):
    c = b.submitted(personas)
    html = _page(login(personas.county_staff), reverse("reserves:review_village", args=["nominations", c.village_id]))
    assert reverse("reserves:village_print", args=[c.village_id]) in html


@pytest.mark.parametrize("n", [1, 50])
def test_the_village_list_takes_the_same_queries_for_one_person_as_for_fifty(login, personas, django_assert_num_queries, n):
    village = personas.tree.village_a1
    _drafts(personas, village, n)
    client = login(personas.officer_a)
    client.get(reverse("reserves:village_print", args=[village.pk]))  # session and caches warm
    with django_assert_num_queries(QUERIES):
        html = _page(client, reverse("reserves:village_print", args=[village.pk]))
    assert f"共 {n} 人" in html


# Session, user, the user's scope, the village, the people.
QUERIES = 5


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_print_views_print_on_a4_from_their_button(page, live_server, personas, tmp_path):
    """In Chromium: the print button calls the browser's print (the CSP allows the script),
    the toolbar is hidden on paper, and each view renders to A4 pages."""
    from reserves.tests.test_browser import _login

    c = b.pooled(personas)
    b.submitted(personas, c.village, name="李强")
    _login(page, live_server.url, personas.county_staff)
    for url in (reverse("reserves:print", args=[c.pk]), reverse("reserves:village_print", args=[c.village_id])):
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(live_server.url + url)
        page.evaluate("window.__printed = 0; window.print = function () { window.__printed += 1; }")
        page.evaluate("document.querySelector('[data-print]').click()")
        assert page.evaluate("window.__printed") >= 1
        page.evaluate("window.__printed = 0")
        page.get_by_role("button", name="打印").click()
        assert page.evaluate("window.__printed") == 1, url
        assert errors == []
        page.emulate_media(media="print")
        assert not page.locator(".toolbar").is_visible()
        if os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], url.strip("/").replace("/", "-") + ".png"), full_page=True)
        pdf = page.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        page.emulate_media(media="screen")
