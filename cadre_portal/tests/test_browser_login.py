"""The officer logs in through the real form and sees only their township."""

import pytest

from cadre_portal.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_logs_in_through_the_form_and_sees_only_their_township(live_server, page, personas):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("current-user").inner_text() == "天城镇组织委员"

    page.goto(f"{live_server.url}/regions/")
    body = page.locator(".page-body").inner_text()
    assert "天城镇" in body and "茅井村" in body
    assert "沙坪镇" not in body and "沙坪村" not in body


def test_a_wrong_password_keeps_the_user_on_the_login_page(live_server, page, personas):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator(".alert-danger").inner_text()
