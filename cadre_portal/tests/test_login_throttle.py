"""Failed logins are throttled progressively, per username+address, per username (except at
the user's own addresses) and per address — so nobody can lock a real user out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cadre_portal.models import AuditEvent, LoginThrottle
from cadre_portal.testing import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE, ATTACKER = "10.1.1.10", "203.0.113.66"


def attempt(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, address, times=1):
    for _ in range(times):
        attempt(client, username, "wrong-password", address)


def test_five_failures_from_one_address_lock_that_username_there(client, personas):
    fail(client, "county", ATTACKER, 5)
    response = attempt(client, "county", PASSWORD, ATTACKER)
    assert response.status_code == 429 and "已暂时锁定" in response.content.decode()


def test_an_attacker_cannot_lock_the_owner_out_of_their_office(client, personas):
    fail(client, "county", ATTACKER, 5)
    assert attempt(client, "county", PASSWORD, OFFICE).status_code == 302


def test_a_colleague_behind_the_same_address_still_logs_in(client, personas):
    fail(client, "officer_a", OFFICE, 5)
    assert attempt(client, "officer_b", PASSWORD, OFFICE).status_code == 302


def test_each_further_lockout_lasts_twice_as_long(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, "county", ATTACKER, 5)
        first = LoginThrottle.objects.get(scope="pair", username="county").locked_until - timezone.now()
        clock.shift(first + timedelta(seconds=1))
        fail(client, "county", ATTACKER, 5)
        second = LoginThrottle.objects.get(scope="pair", username="county").locked_until - timezone.now()
    assert (first, second) == (timedelta(minutes=5), timedelta(minutes=10))


def test_a_lockout_ends_on_time(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, "county", ATTACKER, 5)
        clock.shift(timedelta(minutes=5, seconds=1))
        assert attempt(client, "county", PASSWORD, ATTACKER).status_code == 302


def test_tries_while_locked_do_not_lengthen_the_lock(client, personas):
    fail(client, "county", ATTACKER, 5)
    fail(client, "county", ATTACKER, 10)
    row = LoginThrottle.objects.get(scope="pair", username="county")
    assert row.level == 1


def _from_many_addresses(client, username, total):
    for i in range(total):
        attempt(client, username, "wrong-password", f"198.51.100.{i // 4 + 1}")  # 4 tries per address


def test_guessing_one_account_from_many_addresses_locks_it_for_unknown_addresses(client, personas):
    _from_many_addresses(client, "county", 20)
    assert attempt(client, "county", PASSWORD, "192.0.2.200").status_code == 429


def test_the_owners_recent_address_is_exempt_from_the_username_lock(client, personas):
    assert attempt(client, "county", PASSWORD, OFFICE).status_code == 302
    client.logout()
    _from_many_addresses(client, "county", 20)
    assert attempt(client, "county", PASSWORD, OFFICE).status_code == 302


def test_spraying_many_usernames_from_one_address_locks_the_address(client, personas):
    for i in range(50):
        attempt(client, f"guess{i}", "wrong-password", ATTACKER)
    assert attempt(client, "officer_a", PASSWORD, ATTACKER).status_code == 429


def test_a_successful_login_clears_the_count(client, personas):
    fail(client, "officer_a", OFFICE, 4)
    attempt(client, "officer_a", PASSWORD, OFFICE)
    client.logout()
    fail(client, "officer_a", OFFICE, 4)
    assert attempt(client, "officer_a", PASSWORD, OFFICE).status_code == 302


def test_failures_are_forgotten_after_a_day(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail(client, "officer_a", OFFICE, 4)
        clock.shift(timedelta(hours=25))
        fail(client, "officer_a", OFFICE, 4)
        assert attempt(client, "officer_a", PASSWORD, OFFICE).status_code == 302


def test_a_lockout_is_audited_with_its_length(client, personas):
    fail(client, "officer_a", ATTACKER, 5)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN_LOCKED)
    assert "锁定 5 分钟" in event.summary and event.ip_address == ATTACKER and event.detail["level"] == 1


def test_the_admin_login_is_throttled_too(client, personas):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "admin", "password": "wrong"}, REMOTE_ADDR=ATTACKER)
    response = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429


def test_the_limits_are_settings(client, personas, settings):
    settings.LOGIN_THROTTLE = {"pair": {"limit": 2, "minutes": 1}}
    fail(client, "officer_a", ATTACKER, 2)
    assert attempt(client, "officer_a", PASSWORD, ATTACKER).status_code == 429


def test_the_lockout_page_says_until_when(client, personas):
    fail(client, "officer_a", ATTACKER, 5)
    html = attempt(client, "officer_a", PASSWORD, ATTACKER).content.decode()
    assert "该用户名在本地址连续多次登录失败" in html and "锁定时间将加倍" in html
