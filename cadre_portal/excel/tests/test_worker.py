"""Large imports run in a real Celery worker (Redis) while the page polls.

Deselected by default; run with REDIS_URL set (CI's worker leg):

    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m pytest -m celery_worker cadre_portal/excel
"""

from __future__ import annotations

import os
import time

import pytest
from django.db import connection
from django.urls import reverse

from cadre_portal.celery import app as celery_app
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.models import AuditEvent, Unit

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker_conf():
    url = os.environ.get("REDIS_URL", "")
    reason = "REDIS_URL is not set" if not url else ""
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
            reason = f"Redis at {url} is unreachable ({exc})"
    if reason:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI: the real-worker test must run, but {reason}")
        pytest.skip(reason)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def _close_db(**kwargs):
    connection.close()


def wait_for_status(job, statuses, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status}")


def test_a_large_import_is_validated_and_committed_by_the_worker(redis_worker_conf, settings, tmp_path, login):
    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from cadre_portal.testing import make_personas

    settings.EXCEL_IMPORT_DIR = str(tmp_path / "imports")
    settings.EXCEL_ASYNC_ROWS = 10
    personas = make_personas()
    client = login(personas.admin)
    path = files.write_xlsx(tmp_path / "units.xlsx", [["单位名称", "单位性质", "所在区划"]]
                            + [[f"单位{i}", "党政机关", "崇阳县"] for i in range(50)])

    signals.task_postrun.connect(_close_db, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=20):
            with open(path, "rb") as fh:
                response = client.post(reverse("excel:import", args=["units"]), {"file": fh})
            job = ImportJob.objects.get()
            assert response.status_code == 302
            page = client.get(reverse("excel:job", args=[job.pk])).content.decode()
            assert "请稍候" in page or "新增" in page
            job = wait_for_status(job, {"previewed", "failed"})
            assert (job.status, job.new_rows) == ("previewed", 50)
            poll = client.get(reverse("excel:job_status", args=[job.pk]), HTTP_HX_REQUEST="true")
            assert poll["HX-Refresh"] == "true"
            client.post(reverse("excel:job_confirm", args=[job.pk]))
            job = wait_for_status(job, {"done", "failed"})
    finally:
        signals.task_postrun.disconnect(_close_db)
    assert job.status == "done", job.message
    assert Unit.objects.count() == 50
    assert stored_files(tmp_path / "imports") == []
    assert AuditEvent.objects.filter(kind="import", detail__has_key="created").count() == 1


def test_a_large_export_is_written_by_the_worker_while_the_page_polls(redis_worker_conf, settings, tmp_path, login):
    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from cadre_portal.excel.models import ExportJob
    from cadre_portal.testing import make_personas

    settings.EXCEL_EXPORT_DIR = str(tmp_path / "exports")
    settings.EXCEL_EXPORT_ASYNC_ROWS = 10
    personas = make_personas()
    Unit.objects.bulk_create([Unit(name=f"单位{i}", kind="party_gov", region=personas.tree.county, sort_order=i)
                              for i in range(60)])
    client = login(personas.admin)
    signals.task_postrun.connect(_close_db, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=20):
            response = client.get(reverse("excel:export", args=["units"]))
            job = ExportJob.objects.get()
            assert response["Location"] == reverse("excel:export_job", args=[job.pk])
            deadline = time.monotonic() + 30
            while job.status in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.2)
                job.refresh_from_db()
    finally:
        signals.task_postrun.disconnect(_close_db)
    assert (job.status, job.rows_written) == ("done", 60), job.message
    content = b"".join(client.get(reverse("excel:export_download", args=[job.pk])).streaming_content)
    from openpyxl import load_workbook
    import io

    assert load_workbook(io.BytesIO(content)).worksheets[0].max_row == 61
    assert AuditEvent.objects.filter(kind="export", detail__background=True).count() == 1
