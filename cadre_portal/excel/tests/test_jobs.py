"""Import jobs recover: heartbeats, the sweep that fails a job whose worker is gone,
cancelling in any unfinished state, and files kept only through the import storage.

The real case (a Celery worker killed with SIGKILL mid-import) is in
``test_worker_killed.py`` (CI's worker leg)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import timezone

from cadre_portal.excel import engine, heartbeat, services
from cadre_portal.excel import storage as import_files
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.models import AuditEvent, Unit
from cadre_portal.notifications import outbox

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["单位名称", "单位性质", "所在区划"]
S = ImportJob.Status


@pytest.fixture
def units_upload(tmp_path):
    def make(count=3, name="units.xlsx"):
        path = files.write_xlsx(tmp_path / name, [UNIT_HEADER] + [[f"单位{i}", "党政机关", "崇阳县"] for i in range(count)])
        return path
    return make


class Upload:
    """What a view hands to ``start_import`` (an UploadedFile's name, size and chunks)."""

    def __init__(self, path):
        self.name = path.name
        self.data = path.read_bytes()
        self.size = len(self.data)

    def chunks(self):
        yield self.data


def previewed_job(user, path) -> ImportJob:
    job = services.start_import(user=user, registry_key="units", upload=Upload(path))
    services.request_preview(job)
    job.refresh_from_db()
    assert job.status == S.PREVIEWED, job.message
    return job


def worker_died(job, *, status, minutes_ago=5):
    """The job as a killed worker leaves it: claimed, its heartbeat stopped."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, worker="worker-host:4242:dead", heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago))
    job.refresh_from_db()
    return job


# --- the sweep ----------------------------------------------------------------------


def test_the_sweep_fails_a_commit_whose_worker_stopped_beating_and_tells_the_owner_why(
        personas, units_upload, excel_storage):
    job = worker_died(previewed_job(personas.admin, units_upload()), status=S.COMMITTING)
    outbox.sweep()
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert job.message == "处理本次导入的后台进程已中断（超过 2 分钟没有响应），没有写入任何数据。请重新上传文件再试。"
    assert Unit.objects.count() == 0
    assert stored_files(excel_storage) == []
    event = AuditEvent.objects.filter(kind="import").latest("created_at")
    assert (event.summary, event.detail["error"], event.detail["worker"]) == (
        "导入中断：units.xlsx", "worker lost", "worker-host:4242:dead")


def test_the_sweep_fails_a_validation_whose_worker_stopped_beating(personas, units_upload, excel_storage):
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    worker_died(job, status=S.VALIDATING)
    assert services.fail_abandoned() == 1
    job.refresh_from_db()
    assert (job.status, job.finished_at is not None) == (S.FAILED, True)
    assert stored_files(excel_storage) == []


def test_a_job_whose_worker_beat_recently_is_left_running(personas, units_upload):
    job = worker_died(previewed_job(personas.admin, units_upload()), status=S.COMMITTING, minutes_ago=1)
    assert services.fail_abandoned() == 0
    job.refresh_from_db()
    assert job.status == S.COMMITTING


def test_a_job_still_waiting_for_a_worker_is_not_failed(personas, units_upload):
    job = previewed_job(personas.admin, units_upload())
    ImportJob.objects.filter(pk=job.pk).update(status=S.COMMITTING, worker="", heartbeat_at=None)
    assert services.fail_abandoned(now=timezone.now() + timedelta(hours=1)) == 0
    job.refresh_from_db()
    assert job.status == S.COMMITTING


def test_the_stale_limit_is_a_setting(personas, units_upload, settings):
    settings.EXCEL_JOB_STALE_SECONDS = 600
    job = worker_died(previewed_job(personas.admin, units_upload()), status=S.COMMITTING, minutes_ago=5)
    assert services.fail_abandoned() == 0
    assert services.fail_abandoned(now=timezone.now() + timedelta(minutes=6)) == 1
    job.refresh_from_db()
    assert "超过 10 分钟没有响应" in job.message


def test_a_stalled_worker_that_comes_back_after_the_sweep_writes_nothing(personas, units_upload, monkeypatch):
    job = previewed_job(personas.admin, units_upload())
    real_commit = engine.commit

    def commit_after_the_sweep(resource, rows, **kw):
        # The worker stalled past the limit: the sweep failed the job meanwhile.
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
        assert services.fail_abandoned() == 1
        return real_commit(resource, rows, **kw)

    monkeypatch.setattr(services.engine, "commit", commit_after_the_sweep)
    services.request_commit(job)
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert Unit.objects.count() == 0


# --- claiming and heartbeats -----------------------------------------------------------


def test_a_second_delivery_of_a_job_being_validated_is_left_alone(personas, units_upload, monkeypatch):
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, worker="other:1:live", heartbeat_at=timezone.now())
    monkeypatch.setattr(services, "_validate", lambda job: pytest.fail("validated twice"))
    assert services.run_preview(job.pk).worker == "other:1:live"


def test_a_second_delivery_of_a_commit_already_claimed_is_left_alone(personas, units_upload):
    job = previewed_job(personas.admin, units_upload())
    ImportJob.objects.filter(pk=job.pk).update(status=S.COMMITTING, worker="other:1:live", heartbeat_at=timezone.now())
    services.run_commit(job.pk)
    job.refresh_from_db()
    assert (job.status, Unit.objects.count()) == (S.COMMITTING, 0)


def test_a_finished_step_releases_the_job_for_the_next_one(personas, units_upload):
    job = previewed_job(personas.admin, units_upload())
    assert (job.worker, job.heartbeat_at is not None) == ("", True)
    services.request_commit(job)
    job.refresh_from_db()
    assert (job.status, Unit.objects.count()) == (S.DONE, 3)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_refreshed_from_a_thread_while_a_job_runs(personas, units_upload, settings):
    settings.EXCEL_JOB_HEARTBEAT_SECONDS = 0.05
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    long_ago = timezone.now() - timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, worker="me:1:x", heartbeat_at=long_ago)
    with heartbeat.beating(job.pk, "me:1:x"):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.heartbeat_at > long_ago:
                break
            time.sleep(0.05)
    assert job.heartbeat_at > timezone.now() - timedelta(seconds=10)


def test_another_token_does_not_keep_a_job_alive(personas, units_upload):
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, worker="me:1:x")
    assert heartbeat.beat(job.pk, "someone-else:2:y") == 0


# --- cancelling ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.QUEUED, S.VALIDATING, S.PREVIEWED, S.COMMITTING, S.FAILED])
def test_the_owner_can_cancel_a_job_in_any_unfinished_state(personas, units_upload, login, excel_storage, status):
    job = previewed_job(personas.admin, units_upload())
    ImportJob.objects.filter(pk=job.pk).update(status=status)
    response = login(personas.admin).post(reverse("excel:job_cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == S.CANCELLED
    assert "已取消本次导入" in response.content.decode()
    assert stored_files(excel_storage) == []
    assert AuditEvent.objects.filter(kind="import", summary="取消导入：units.xlsx").count() == 1


def test_a_finished_import_cannot_be_cancelled(personas, units_upload, login):
    job = previewed_job(personas.admin, units_upload())
    services.request_commit(job)
    response = login(personas.admin).post(reverse("excel:job_cancel", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == S.DONE
    assert "本次导入的状态是“已导入”，不能再取消。" in response.content.decode()


def test_another_user_cannot_cancel_a_job(personas, units_upload, login):
    job = previewed_job(personas.admin, units_upload())
    response = login(personas.county_staff).post(reverse("excel:job_cancel", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == S.PREVIEWED


def test_a_running_job_shows_a_cancel_button(personas, units_upload, login):
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    page = login(personas.admin).get(reverse("excel:job", args=[job.pk])).content.decode()
    assert "取消本次导入" in page


def test_a_validation_cancelled_midway_stops_and_keeps_no_files(personas, units_upload, monkeypatch, excel_storage):
    job = services.start_import(user=personas.admin, registry_key="units", upload=Upload(units_upload()))
    real_read = services.read_table

    def read_then_owner_cancels(*args, **kw):
        table = real_read(*args, **kw)
        services.cancel(ImportJob.objects.get(pk=job.pk))
        return table

    monkeypatch.setattr(services, "read_table", read_then_owner_cancels)
    services.run_preview(job.pk)
    job.refresh_from_db()
    assert job.status == S.CANCELLED
    assert stored_files(excel_storage) == []


def test_a_commit_cancelled_midway_writes_nothing(personas, units_upload, monkeypatch):
    job = previewed_job(personas.admin, units_upload())
    real_commit = engine.commit

    def owner_cancels_then_commit(resource, rows, **kw):
        services.cancel(ImportJob.objects.get(pk=job.pk))
        return real_commit(resource, rows, **kw)

    monkeypatch.setattr(services.engine, "commit", owner_cancels_then_commit)
    services.request_commit(job)
    job.refresh_from_db()
    assert (job.status, Unit.objects.count()) == (S.CANCELLED, 0)


# --- storage ------------------------------------------------------------------------


def test_a_job_keeps_a_storage_name_not_a_local_path(personas, units_upload):
    job = previewed_job(personas.admin, units_upload())
    assert job.stored_dir == str(job.pk)
    assert import_files.exists(f"{job.pk}/upload.xlsx") and import_files.exists(f"{job.pk}/rows.pickle")


class ElsewhereStorage(FileSystemStorage):
    """A store that is not the local import folder (as S3 would be for a worker)."""


def test_uploads_and_rows_go_only_through_the_storage_alias(personas, units_upload, settings, tmp_path, excel_storage):
    elsewhere = tmp_path / "object-store"
    settings.STORAGES = {**settings.STORAGES, "excel_imports": {
        "BACKEND": f"{__name__}.ElsewhereStorage", "OPTIONS": {"location": str(elsewhere)}}}
    job = previewed_job(personas.admin, units_upload())
    assert stored_files(excel_storage) == []
    assert sorted(p.name for p in stored_files(elsewhere)) == ["rows.pickle", "upload.xlsx"]
    services.request_commit(job)
    job.refresh_from_db()
    assert (job.status, Unit.objects.count()) == (S.DONE, 3)
    assert stored_files(elsewhere) == []


def test_a_refused_file_is_never_stored(personas, tmp_path, excel_storage):
    bomb = files.zip_bomb(tmp_path / "bomb.xlsx", megabytes=64)
    with pytest.raises(services.ExcelRejected):
        services.start_import(user=personas.admin, registry_key="units", upload=Upload(bomb))
    assert stored_files(excel_storage) == [] and ImportJob.objects.count() == 0


def test_cleanup_removes_folders_without_a_job_through_the_storage(personas, excel_storage):
    import_files.save_bytes("0f0f0f0f-dead-4bad-8bad-000000000000/upload.xlsx", b"left by a crash")
    assert services.cleanup_expired(now=timezone.now() + timedelta(hours=2)) == 1
    assert stored_files(excel_storage) == []


def test_the_audit_entry_of_an_abandoned_job_reads_in_chinese(personas, units_upload):
    from cadre_portal import audit_display

    job = worker_died(previewed_job(personas.admin, units_upload()), status=S.COMMITTING)
    services.fail_abandoned()
    detail = AuditEvent.objects.filter(kind="import").latest("created_at").detail
    lines = dict(audit_display.lines(detail, audit_display.Names()))
    assert (lines["错误"], lines["处理进程"]) == ("后台处理进程中断", "worker-host:4242:dead")
    assert job.pk
