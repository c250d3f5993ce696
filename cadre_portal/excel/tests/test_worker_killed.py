"""A real Celery worker killed (SIGKILL) in the middle of an import: the job ends
failed, its owner is told why and can cancel it, and nothing is written.

The web side is this test process, the worker a separate process
(``stalling_worker``: the ordinary worker, except that its commit stops after every
row is written and before the transaction commits). Web and worker get different
local folders (MEDIA_ROOT, EXCEL_IMPORT_DIR, TMPDIR) and share only PostgreSQL and
Redis: the import storage is an object store kept in Redis (``object_store``), as
MinIO or S3 would be in production — so the upload and the validated rows can only
have travelled through the storage API.

Deselected by default; CI's worker leg runs it (PostgreSQL and REDIS_URL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python -m pytest -q -m celery_worker cadre_portal/excel/tests/test_worker_killed.py
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.excel.tests.object_store import RedisObjectStorage
from cadre_portal.excel.tests.test_worker import redis_worker_conf  # noqa: F401 - a fixture
from cadre_portal.models import AuditEvent, Unit

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

STORE = "cadre_portal.excel.tests.object_store.RedisObjectStorage"
ROWS = 40


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI: the killed-worker test must run, but {reason}")
    pytest.skip(reason)


def test_database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test database)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def object_store(redis_worker_conf):  # noqa: F811 - the imported fixture
    options = {"url": os.environ["REDIS_URL"], "bucket": f"test-{uuid.uuid4().hex}"}
    store = RedisObjectStorage(**options)
    yield options, store
    store.drop()


def wait_until(check, what: str, timeout: float, worker=None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def test_a_worker_killed_mid_import_leaves_the_job_failed_and_cancellable_with_nothing_written(
        object_store, settings, tmp_path, login):
    if connection.vendor != "postgresql":
        unavailable("the worker process needs the test database on PostgreSQL (DATABASE_URL)")
    from cadre_portal.testing import make_personas

    options, store = object_store
    web_root, worker_root = tmp_path / "web", tmp_path / "worker"
    for root in (web_root, worker_root):
        (root / "tmp").mkdir(parents=True)
    settings.MEDIA_ROOT = web_root
    settings.EXCEL_IMPORT_DIR = str(web_root / "excel_imports")
    settings.STORAGES = {**settings.STORAGES, "excel_imports": {"BACKEND": STORE, "OPTIONS": options}}
    settings.EXCEL_ASYNC_ROWS = 10
    personas = make_personas()
    client = login(personas.admin)
    path = files.write_xlsx(tmp_path / "units.xlsx", [["单位名称", "单位性质", "所在区划"]]
                            + [[f"单位{i}", "党政机关", "崇阳县"] for i in range(ROWS)])
    flag = tmp_path / "stalled"
    env = {
        **os.environ, "DATABASE_URL": test_database_url(), "MEDIA_ROOT": str(worker_root),
        "EXCEL_IMPORT_DIR": str(worker_root / "excel_imports"), "TMPDIR": str(worker_root / "tmp"),
        "EXCEL_IMPORT_STORAGE_BACKEND": STORE, "EXCEL_IMPORT_STORAGE_OPTIONS": json.dumps(options),
        "EXCEL_JOB_HEARTBEAT_SECONDS": "1", "STALL_FLAG": str(flag), "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "cadre_portal.excel.tests.stalling_worker"], env=env,
                                  stdout=out, stderr=subprocess.STDOUT, cwd=django_settings.BASE_DIR)
    try:
        with path.open("rb") as fh:
            assert client.post(reverse("excel:import", args=["units"]), {"file": fh}).status_code == 302
        job = ImportJob.objects.get()
        assert job.status == "queued"  # handed to the worker, not validated here

        def status_in(*statuses):
            job.refresh_from_db()
            return job.status in statuses

        wait_until(lambda: status_in("previewed", "failed"), "the preview", 180, worker, log)
        assert (job.status, job.new_rows) == ("previewed", ROWS), job.message
        assert sorted(store.names()) == [f"{job.pk}/rows.pickle", f"{job.pk}/upload.xlsx"]

        client.post(reverse("excel:job_confirm", args=[job.pk]))
        wait_until(flag.exists, "the commit to stall mid-transaction", 120, worker, log)
        job.refresh_from_db()
        # Mid-import: the worker holds the job and has written every row, uncommitted.
        assert job.status == "committing" and job.worker and job.heartbeat_at is not None
        assert Unit.objects.count() == 0
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(timeout=30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert Unit.objects.count() == 0
    job.refresh_from_db()
    assert job.status == "committing"
    # Beat's sweep (the same code, as a command in its own process) once the heartbeat is stale.
    time.sleep(3)
    sweep = subprocess.run([sys.executable, "manage.py", "outbox_sweep"], env={**env, "EXCEL_JOB_STALE_SECONDS": "2"},
                           cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=120)
    assert sweep.returncode == 0, sweep.stderr
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.message == "处理本次导入的后台进程已中断（超过 1 分钟没有响应），没有写入任何数据。请重新上传文件再试。"
    assert Unit.objects.count() == 0
    assert store.names() == []
    assert AuditEvent.objects.filter(kind="import", detail__error="worker lost").count() == 1

    page = client.get(reverse("excel:job", args=[job.pk])).content.decode()
    assert "后台进程已中断" in page
    response = client.post(reverse("excel:job_cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert "已取消本次导入" in response.content.decode()
    assert Unit.objects.count() == 0
    # Nothing of the import ever touched either process's local folders.
    assert stored_files(web_root) == [] and stored_files(worker_root) == []
