"""The owner of a job whose worker died, and of a job still running, in headless
Chromium (run with -m browser): the reason in Chinese, a cancel button that works."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from cadre_portal.excel import services
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.test_jobs import Upload
from cadre_portal.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def a_job(personas, tmp_path):
    path = files.write_xlsx(tmp_path / "单位名录.xlsx", [["单位名称", "单位性质", "所在区划"], ["县教育局", "党政机关", "崇阳县"]])
    return services.start_import(user=personas.admin, registry_key="units", upload=Upload(path))


def test_the_owner_reads_why_a_job_failed_when_its_worker_died(live_server, page, personas, tmp_path):
    job = a_job(personas, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status="committing", worker="worker-2:311:dead",
                                               heartbeat_at=timezone.now() - timedelta(minutes=5))
    services.fail_abandoned()
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/excel/jobs/{job.pk}/")
    message = page.get_by_test_id("job-message").inner_text()
    shot(page, "job-worker-lost")
    assert "后台进程已中断" in message and "没有写入任何数据" in message


def test_the_owner_cancels_a_job_that_is_still_being_checked(live_server, page, personas, tmp_path):
    job = a_job(personas, tmp_path)
    ImportJob.objects.filter(pk=job.pk).update(status="validating", progress=40, worker="worker-1:42:live",
                                               heartbeat_at=timezone.now())
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/excel/jobs/{job.pk}/")
    assert "正在检查" in page.get_by_test_id("job-panel").inner_text()
    shot(page, "job-running")
    page.get_by_test_id("cancel-button").click()
    page.wait_for_url(f"{live_server.url}/excel/units/import/")
    shot(page, "job-cancelled")
    assert "已取消本次导入" in page.locator(".page-body").inner_text()
    job.refresh_from_db()
    assert job.status == "cancelled"
