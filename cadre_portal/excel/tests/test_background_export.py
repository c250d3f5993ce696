"""Big exports in the background (issue 16 item 5): above EXCEL_EXPORT_ASYNC_ROWS the export
is a job written through the outbox (in-process here: no broker), with progress, a download
link for its owner only that expires, and the same file as a direct export."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_portal.excel import exports, writing
from cadre_portal.excel.models import ExportJob
from cadre_portal.models import AuditEvent, Unit
from cadre_portal.notifications.models import OutboxMessage


@pytest.fixture
def units(personas):
    tree = personas.tree
    Unit.objects.create(name="天城镇学校", kind="institution", region=tree.village_a1, sort_order=1)
    Unit.objects.create(name="天城镇政府", kind="party_gov", region=tree.township_a, sort_order=2)
    Unit.objects.create(name="天城镇卫生院", kind="institution", region=tree.township_a, sort_order=3)
    Unit.objects.create(name="沙坪镇学校", kind="institution", region=tree.village_b1, sort_order=4)


@pytest.fixture
def background(settings):
    settings.EXCEL_EXPORT_ASYNC_ROWS = 2


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """GET an export URL and run what its transaction committed to (the outbox dispatch,
    in-process without a broker), as a real request does."""

    def get(client, query=""):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(reverse("excel:export", args=["units"]) + query)

    return get


def names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[0].value for row in sheet.iter_rows(min_row=2)]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_small_export_is_still_the_file_itself(personas, login, units):
    response = login(personas.officer_a).get(reverse("excel:export", args=["units"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_a_big_export_becomes_a_job_the_owner_downloads(personas, login, units, background, export, settings):
    client = login(personas.officer_a)
    settings.EXCEL_EXPORT_ASYNC_ROWS = 5
    direct = names(body(export(client)))
    settings.EXCEL_EXPORT_ASYNC_ROWS = 2
    response = export(client)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("excel:export_job", args=[job.pk])
    assert (job.owner, job.status, job.total_rows, job.rows_written, job.progress) == (personas.officer_a, "done", 3, 3, 100)
    page = client.get(response["Location"]).content.decode()
    assert "已导出 3 条" in page and reverse("excel:export_download", args=[job.pk]) in page
    content = body(client.get(reverse("excel:export_download", args=[job.pk])))
    # Scoped to the owner (no 沙坪镇 unit), the same rows and order as a direct export.
    assert names(content) == direct == ["天城镇政府", "天城镇卫生院", "天城镇学校"]


def test_the_job_keeps_the_filters_of_the_list(personas, login, units, export, settings):
    settings.EXCEL_EXPORT_ASYNC_ROWS = 1
    client = login(personas.officer_a)
    export(client, "?kind=institution&page=3")
    job = ExportJob.objects.get()
    assert job.params == {"kind": ["institution"], "page": ["3"]}
    assert names(body(client.get(reverse("excel:export_download", args=[job.pk])))) == ["天城镇卫生院", "天城镇学校"]


def test_the_work_goes_through_the_outbox_and_is_audited_once(personas, login, units, background, export):
    export(login(personas.officer_a))
    job = ExportJob.objects.get()
    message = OutboxMessage.objects.get(handler=exports.HANDLER)
    assert (message.kwargs, message.state) == ({"job_id": str(job.pk)}, OutboxMessage.State.DONE)
    event = AuditEvent.objects.get(kind="export")
    assert (event.user, event.detail["rows"], event.detail["background"]) == (personas.officer_a, 3, True)


def test_a_redelivered_message_does_not_write_the_file_twice(personas, login, units, background, export):
    export(login(personas.officer_a))
    job = ExportJob.objects.get()
    exports.run_export(str(job.pk))
    assert AuditEvent.objects.filter(kind="export").count() == 1
    assert ExportJob.objects.get().file_name == job.file_name


def test_a_job_left_running_by_a_dead_worker_is_taken_over(personas, units):
    job = ExportJob.objects.create(owner=personas.officer_a, registry="units", status="running", total_rows=3,
                                   started_at=timezone.now() - exports.LEASE - timedelta(minutes=1))
    exports.run_export(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.rows_written) == ("done", 3)


def test_a_job_held_by_a_live_worker_is_left_alone(personas, units):
    job = ExportJob.objects.create(owner=personas.officer_a, registry="units", status="running", started_at=timezone.now())
    exports.run_export(str(job.pk))
    assert ExportJob.objects.get().status == "running"


def test_another_user_cannot_see_or_download_the_job(personas, login, units, background, export):
    export(login(personas.officer_a))
    job = ExportJob.objects.get()
    other = login(personas.officer_b)
    for name in ("excel:export_job", "excel:export_job_status", "excel:export_download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404


def test_an_expired_link_is_refused_in_chinese_and_the_file_is_deleted(personas, login, units, background, export):
    client = login(personas.officer_a)
    export(client)
    job = ExportJob.objects.get()
    stored = exports.storage().path(job.file_name)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("excel:export_download", args=[job.pk]))
    assert response.status_code == 410 and "下载链接已过期" in response.content.decode()
    assert exports.cleanup_exports() == 1
    job.refresh_from_db()
    assert (job.status, job.file_name) == ("expired", "")
    assert not __import__("os").path.exists(stored)


def test_a_running_job_shows_its_progress_and_polls(personas, login):
    job = ExportJob.objects.create(owner=personas.officer_a, registry="units", status="running", total_rows=9000,
                                   rows_written=4000, progress=44, started_at=timezone.now())
    page = login(personas.officer_a).get(reverse("excel:export_job", args=[job.pk])).content.decode()
    assert "已写入 4000 条" in page and "44%" in page and "可以离开本页" in page
    assert reverse("excel:export_job_status", args=[job.pk]) in page


def test_the_writer_reports_progress_every_so_many_rows(personas, monkeypatch):
    from cadre_portal.excel.registries import UnitResource

    monkeypatch.setattr(writing, "PROGRESS_EVERY", 2)
    seen = []
    with writing.temporary_file() as fh:
        writing.write_export(fh, UnitResource(user=personas.admin), ([f"单位{i}"] for i in range(5)), progress=seen.append)
    assert seen == [2, 4]


def test_bad_filters_are_refused_before_any_job_is_made(personas, login, units, background, export):
    response = export(login(personas.officer_a), "?township=999")
    assert response.status_code == 400 and not ExportJob.objects.exists()


def test_a_failure_is_said_in_chinese(personas, units, monkeypatch):
    job = ExportJob.objects.create(owner=personas.officer_a, registry="units", total_rows=3)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_export", broken)
    exports.run_export(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", "导出时发生错误，请稍后重试，或联系系统管理员。")


def test_the_index_lists_my_recent_exports_only(personas, login, units, background, export):
    export(login(personas.officer_a))
    mine = login(personas.officer_a).get(reverse("excel:index")).content.decode()
    theirs = login(personas.officer_b).get(reverse("excel:index")).content.decode()
    assert "我最近的导出" in mine and "可下载" in mine
    assert "我最近的导出" not in theirs
