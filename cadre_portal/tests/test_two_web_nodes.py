"""Two web nodes, one database: what deploy/ promises holds with real gunicorn processes.

Two gunicorn processes (``deploy/gunicorn.conf.py``, two workers each) on two ports
serve the same PostgreSQL database, as two hosts behind nginx would. Each has its
own local folders (MEDIA_ROOT, EXCEL_IMPORT_DIR, TMPDIR); they share only the
database and the import storage (an object store kept in Redis, standing in for
MinIO/S3). The test, as a browser going through nginx would, uses both:

- a session: log in on node A, go on with the same cookie on node B;
- an import: upload on A (preview), confirm on B, and the rows are written once;
- reminders: the "立即扫描" scan posted to both nodes at the same moment, twice,
  gives each reminder and each notification exactly once.

The nodes run the production settings (``DEBUG=0``, one shared ``SECRET_KEY``,
``ALLOWED_HOSTS``) except what pytest's environment implies (``PYTEST_VERSION`` is
inherited: the fast test password hasher the personas were saved with, plain
static files).

Deselected by default; ``.ci/run`` runs it in its own leg (PostgreSQL, Redis):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python -m pytest -q -m multinode
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.excel.tests.object_store import RedisObjectStorage
from cadre_portal.models import Unit
from cadre_portal.testing import PASSWORD, make_personas

pytestmark = [pytest.mark.multinode, pytest.mark.django_db(transaction=True)]

STORE = "cadre_portal.excel.tests.object_store.RedisObjectStorage"
HOST = "cadre.test"


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI: the two-node test must run, but {reason}")
    pytest.skip(reason)


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One user's browser: one cookie jar, whichever node answers (as behind nginx)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, node, method, path, body=b"", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=120)
        # The same Host whichever node answers, as nginx passes it on.
        sent = {"Host": HOST, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Referer"] = f"http://{HOST}{path}"
            sent["Origin"] = f"http://{HOST}"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, response.getheader("Location", ""), content

    def get(self, node, path):
        return self.request(node, "GET", path)

    def csrf(self, node, path) -> str:
        status, _, page = self.get(node, path)
        assert status == 200, (status, page[:500])
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:500]
        return found.group(1)

    def post_form(self, node, path, data: dict, *, token_from: str | None = None):
        data = {"csrfmiddlewaretoken": self.csrf(node, token_from or path), **data}
        return self.request(node, "POST", path, urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, node, path, field: str, file: Path):
        token = self.csrf(node, path)
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{file.name}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        ).encode() + file.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        return self.request(node, "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


class Node:
    def __init__(self, name: str, root: Path, env: dict):
        self.name, self.root, self.port = name, root, free_port()
        (root / "tmp").mkdir(parents=True)
        self.log = root.parent / f"{name}.log"
        node_env = {
            **env, "PORTAL_BIND": f"127.0.0.1:{self.port}", "MEDIA_ROOT": str(root),
            "EXCEL_IMPORT_DIR": str(root / "excel_imports"), "TMPDIR": str(root / "tmp"),
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "2",
                 "cadre_portal.wsgi:application"],
                env=node_env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout=120.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"node {self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"node {self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def nodes(tmp_path):
    if connection.vendor != "postgresql":
        unavailable("the gunicorn nodes need the test database on PostgreSQL (DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        unavailable("REDIS_URL is not set (the shared import storage of this test lives in Redis)")
    store_options = {"url": redis_url, "bucket": f"test-{uuid.uuid4().hex}"}
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({
        "DATABASE_URL": database_url(), "DEBUG": "0", "PLAIN_STATIC": "1", "HTTPS": "0",
        "SECRET_KEY": "two-nodes-" + uuid.uuid4().hex,  # one secret for every node, as portal.env
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1", "EXCEL_IMPORT_STORAGE_BACKEND": STORE,
        "EXCEL_IMPORT_STORAGE_OPTIONS": json.dumps(store_options), "GUNICORN_ACCESS_LOG": "-",
        "PYTHONUNBUFFERED": "1",
    })
    started = [Node("a", tmp_path / "node_a", env), Node("b", tmp_path / "node_b", env)]
    try:
        for node in started:
            node.wait_ready()
        yield started[0], started[1], RedisObjectStorage(**store_options)
    finally:
        for node in started:
            node.stop()
        RedisObjectStorage(**store_options).drop()


def log_in(browser, node, user):
    status, location, page = browser.post_form(node, "/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert status == 302, page[:1000]
    return location


def test_a_session_started_on_one_node_is_used_on_the_other(nodes):
    a, b, _store = nodes
    personas = make_personas()
    browser = Browser()
    log_in(browser, a, personas.county_staff)
    status, _, page = browser.get(b, "/")
    assert status == 200
    assert personas.county_staff.full_name in page
    # And logging out on B ends it on A.
    browser.post_form(b, "/accounts/logout/", {}, token_from="/")
    status, location, _ = browser.get(a, "/")
    assert status == 302 and "/accounts/login/" in location


def test_an_import_uploaded_on_one_node_is_confirmed_on_the_other(nodes, tmp_path):
    a, b, store = nodes
    personas = make_personas()
    browser = Browser()
    log_in(browser, a, personas.admin)
    path = files.write_xlsx(tmp_path / "units.xlsx", [["单位名称", "单位性质", "所在区划"]]
                            + [[f"单位{i}", "党政机关", "崇阳县"] for i in range(20)])
    status, location, page = browser.upload(a, "/excel/units/import/", "file", path)
    assert status == 302, page[:1000]
    job = ImportJob.objects.get()
    assert (job.status, job.new_rows) == ("previewed", 20), job.message
    assert sorted(store.names()) == [f"{job.pk}/rows.pickle", f"{job.pk}/upload.xlsx"]

    status, _, page = browser.get(b, location)
    assert status == 200 and "确认导入" in page
    status, _, _ = browser.post_form(b, f"/excel/jobs/{job.pk}/confirm/", {}, token_from=location)
    assert status == 302
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Unit.objects.count() == 20
    assert store.names() == []
    for node in (a, b):
        assert stored_files(node.root) == []


def test_the_scan_run_from_both_nodes_at_once_reminds_exactly_once(nodes):
    from cadre_portal.notifications.models import Notification, Reminder
    from reserves.models import TrainingSession
    from reserves.tests import builders

    a, b, _store = nodes
    personas = make_personas()
    start = date.today() - timedelta(days=300)
    builders.training(personas, personas.tree.village_a1, start=start, name="王一")
    builders.training(personas, personas.tree.village_b1, start=start, name="李二")
    TrainingSession.objects.create(date=date.today() + timedelta(days=3), topic="基层治理能力提升", hours=Decimal(8),
                                   place="县委党校")
    browsers = {}
    for node, user in ((a, personas.county_staff), (b, personas.admin)):
        browsers[node.name] = Browser()
        log_in(browsers[node.name], node, user)

    for _round in range(2):
        tokens = {node.name: browsers[node.name].csrf(node, "/notifications/reminders/") for node in (a, b)}
        barrier = threading.Barrier(2)
        answers = {}

        def scan(node):
            body = urlencode({"csrfmiddlewaretoken": tokens[node.name], "kind": "training_session"}).encode()
            barrier.wait()
            answers[node.name] = browsers[node.name].request(
                node, "POST", "/notifications/reminders/scan/", body,
                {"Content-Type": "application/x-www-form-urlencoded"})

        threads = [threading.Thread(target=scan, args=(node,)) for node in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert [answers[n][0] for n in ("a", "b")] == [302, 302], answers

    reminders = Reminder.objects.filter(kind="training_session")
    assert reminders.count() == 2  # one per township with a trainee
    for officer in (personas.officer_a, personas.officer_b):
        assert Notification.objects.filter(recipient=officer, reminder__kind="training_session").count() == 1
