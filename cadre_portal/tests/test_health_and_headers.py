"""/healthz, forwarded addresses, caching of personal data, database outages as 503."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cadre_portal.audit import client_ip
from cadre_portal.notifications.models import Heartbeat

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


# --- /healthz -------------------------------------------------------------------------


def test_healthz_answers_without_login_and_checks_the_database(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["database"]["ok"] is True


def test_healthz_is_503_when_the_database_does_not_answer(client):
    with mock.patch("cadre_portal.health.connection.cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"]["ok"] is False


def test_healthz_reports_an_unreachable_broker_without_failing(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["broker"] == {"ok": False, "mode": "redis", "error": "ConnectionError"}


def test_healthz_reports_the_last_beat_run(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    Heartbeat.objects.create(key="beat", at=timezone.now() - timedelta(minutes=20))
    beat = client.get("/healthz").json()["beat"]
    assert beat["ok"] is False and beat["age_s"] >= 1200


def test_healthz_reports_the_outbox_backlog(client):
    from cadre_portal.notifications import outbox

    outbox.enqueue("notifications.notify", dispatch=False, recipient_ids=[], region_id=0, title="x")
    assert client.get("/healthz").json()["outbox"]["pending"] == 1


def test_healthz_is_never_cached(client):
    assert "no-store" in client.get("/healthz")["Cache-Control"]


# --- database outages -------------------------------------------------------------------------


def test_a_lost_database_connection_is_a_chinese_503_not_a_500(login, personas):
    client = login(personas.officer_a)
    client.raise_request_exception = False
    with mock.patch("cadre_portal.views.panels_for", side_effect=OperationalError("server closed the connection unexpectedly")):
        response = client.get(reverse("home"))
    assert response.status_code == 503 and "服务暂时不可用" in response.content.decode()


def test_a_query_cancelled_by_the_statement_timeout_says_so(login, personas):
    client = login(personas.officer_a)
    client.raise_request_exception = False
    error = OperationalError("canceling statement due to statement timeout")
    with mock.patch("cadre_portal.views.panels_for", side_effect=error):
        response = client.get(reverse("home"))
    assert response.status_code == 503 and "查询时间过长" in response.content.decode()


def test_other_errors_stay_500(login, personas):
    client = login(personas.officer_a)
    client.raise_request_exception = False
    with mock.patch("cadre_portal.views.panels_for", side_effect=ValueError("bug")):
        response = client.get(reverse("home"))
    assert response.status_code == 500


def _settings_in_subprocess(extra_env: dict, expression: str) -> str:
    env = {**os.environ, **extra_env}
    env.pop("PYTEST_VERSION", None)
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cadre_portal.settings'); django.setup();"
            f"from django.conf import settings; print({expression})")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout


def test_postgres_connections_are_health_checked_with_jit_off():
    out = _settings_in_subprocess({"DATABASE_URL": "postgres://u@h:5432/d"},
                                  "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], settings.DATABASES['default']['OPTIONS']")
    assert "True" in out and "-c jit=off" in out and "statement_timeout" not in out


def test_web_processes_get_a_statement_timeout_and_workers_do_not():
    web = _settings_in_subprocess({"DATABASE_URL": "postgres://u@h:5432/d", "PORTAL_WEB_PROCESS": "1"},
                                  "settings.DATABASES['default']['OPTIONS']['options']")
    assert "-c statement_timeout=15000" in web


@pytest.mark.django_db(transaction=True)
def test_a_terminated_connection_does_not_fail_the_next_request(personas):
    """PostgreSQL drops the web process's persistent connection (restart, failover):
    the next request reconnects (CONN_HEALTH_CHECKS) instead of answering 500. Runs
    Django's own WSGI handler in this thread, as a gunicorn worker would."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends is a PostgreSQL test")
    import psycopg2
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    statuses = []

    def get(path):
        environ = RequestFactory().get(path).environ
        body = b"".join(handler(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        return statuses[-1], body

    assert get("/healthz")[0].startswith("200")
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    killer = psycopg2.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}})
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    status, body = get("/healthz")
    assert status.startswith("200") and json.loads(body)["database"]["ok"] is True


# --- forwarded addresses ----------------------------------------------------------------------


def _request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_by_default_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="1.2.3.4")) == "10.0.0.5"


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote="127.0.0.1", forwarded="1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_a_forged_first_hop_is_never_believed(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote="127.0.0.1", forwarded="6.6.6.6, 203.0.113.9")) != "6.6.6.6"


def test_a_request_that_skipped_the_proxies_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(remote="10.0.0.5", forwarded="203.0.113.9")) == "10.0.0.5"


def test_a_malformed_forwarded_address_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(remote="10.0.0.5", forwarded="<script>")) == "10.0.0.5"


def test_the_audit_records_the_address_the_proxy_saw(client, personas, settings):
    from cadre_portal.models import AuditEvent
    from cadre_portal.testing import PASSWORD

    settings.TRUSTED_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD},
                HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert AuditEvent.objects.get(kind="login").ip_address == "203.0.113.9"


# --- caching of personal data ---------------------------------------------------------------


def test_logged_in_pages_are_not_stored_by_any_cache(login, personas):
    response = login(personas.county_staff).get(reverse("home"))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_downloads_are_not_stored_by_any_cache(login, personas):
    response = login(personas.county_staff).get(reverse("excel:export", args=["reserve_nominations"]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_the_password_too_short_message_is_chinese(login, personas):
    from cadre_portal.testing import PASSWORD

    response = login(personas.officer_a).post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Ab1!", "new_password2": "Ab1!"})
    assert "密码太短，至少需要 8 个字符。" in response.content.decode()
