import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cadre_portal.models import AuditEvent
from cadre_portal.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login_form(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_login_form_logs_in_and_lands_on_home(client, personas):
    response = _login_form(client, "officer_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_shows_a_chinese_error(client, personas):
    response = _login_form(client, "officer_a", "wrong-password")
    assert "用户名或密码不正确" in response.content.decode()


def test_a_session_ends_after_thirty_idle_minutes(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _login_form(client, "officer_a", PASSWORD)
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_ends_twelve_hours_after_login_even_when_active(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _login_form(client, "officer_a", PASSWORD)
        for _ in range(12 * 3 + 1):  # a request every 20 minutes, for just over 12 hours
            traveller.shift(timedelta(minutes=20))
            last = client.get(reverse("home"))
        assert last.status_code == 302
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSION_EXPIRED, username="officer_a").exists()


def test_a_disabled_account_is_logged_out_at_once(client, personas):
    _login_form(client, "officer_a", PASSWORD)
    personas.officer_a.is_active = False
    personas.officer_a.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_failed_logins_lock_the_username_not_the_office_ip(client, personas):
    for _ in range(5):
        _login_form(client, "officer_a", "wrong-password")
    locked = _login_form(client, "officer_a", PASSWORD)
    assert locked.status_code == 429 and "已暂时锁定" in locked.content.decode()
    # A colleague behind the same NAT address still logs in.
    other = _login_form(client, "officer_b", PASSWORD)
    assert other.status_code == 302


def test_logins_and_failed_logins_are_audited(client, personas):
    _login_form(client, "officer_a", "wrong-password")
    _login_form(client, "officer_a", PASSWORD)
    kinds = list(AuditEvent.objects.filter(username="officer_a").values_list("kind", flat=True))
    assert sorted(kinds) == ["login", "login_failed"]


def test_the_audit_page_is_for_administrators_and_county_staff(login, personas):
    assert login(personas.officer_a).get(reverse("audit_log")).status_code == 403
    assert login(personas.leader).get(reverse("audit_log")).status_code == 403
    assert login(personas.county_staff).get(reverse("audit_log")).status_code == 200


def test_the_audit_page_filters_by_kind(client, login, personas):
    _login_form(client, "officer_a", "wrong-password")
    _login_form(client, "officer_b", PASSWORD)
    page = login(personas.admin).get(reverse("audit_log"), {"kind": "login_failed"}).content.decode()
    assert "officer_a 登录失败" in page and "沙坪镇组织委员 登录" not in page


def test_county_staff_do_not_see_audit_entries_of_unknown_usernames(client, login, personas):
    _login_form(client, "nobody-here", "x")
    assert "nobody-here" not in login(personas.county_staff).get(reverse("audit_log")).content.decode()
    assert "nobody-here" in login(personas.admin).get(reverse("audit_log")).content.decode()


def test_users_can_change_their_password(login, personas):
    client = login(personas.officer_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
    )
    assert response.status_code == 302
    personas.officer_a.refresh_from_db()
    assert personas.officer_a.check_password("Xin-mima-2026!")
    assert AuditEvent.objects.filter(kind="password_change", user=personas.officer_a).exists()


def test_pages_are_in_chinese(login, personas):
    html = login(personas.officer_a).get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in html and "退出登录" in html


def test_a_missing_page_is_a_chinese_404(login, personas):
    response = login(personas.officer_a).get("/no/such/page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "cadre.example.gov.cn",
    }
    env.pop("PYTEST_VERSION", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for Playwright only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_administrator_unlocks_a_locked_username_in_the_admin(client, login, personas):
    from cadre_portal.models import LoginThrottle

    for _ in range(5):
        _login_form(client, "officer_a", "wrong-password")
    locked = LoginThrottle.objects.get(scope="pair", username="officer_a")
    admin_client = login(personas.admin)
    page = admin_client.get(reverse("admin:cadre_portal_loginthrottle_changelist")).content.decode()
    assert "登录失败与锁定" in page and "officer_a" in page
    admin_client.post(
        reverse("admin:cadre_portal_loginthrottle_changelist"),
        {"action": "unlock", "_selected_action": [locked.pk]},
    )
    assert _login_form(client, "officer_a", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(summary__startswith="解除登录锁定 1 项", user=personas.admin).exists()
