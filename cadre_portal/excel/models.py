"""An import in progress: the upload, its preview and its outcome.

The job table is working state, not a record: the durable record of every
import and export is the audit log (``cadre_portal.audit.record``), so jobs
carry no field history and their files are deleted after confirm, cancel or
expiry (``cleanup_expired`` / ``manage.py excel_cleanup``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def default_expiry():
    return timezone.now() + timedelta(minutes=getattr(settings, "EXCEL_JOB_TTL_MINUTES", 120))


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        VALIDATING = "validating", "正在检查"
        PREVIEWED = "previewed", "待确认"
        COMMITTING = "committing", "正在导入"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"
        EXPIRED = "expired", "已过期"

    RUNNING = (Status.QUEUED, Status.VALIDATING, Status.COMMITTING)
    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED, Status.EXPIRED)
    # What its owner can still cancel: everything not finished, and a failed job
    # (cancelling it only clears it away; nothing was written).
    CANCELLABLE = (Status.QUEUED, Status.VALIDATING, Status.PREVIEWED, Status.COMMITTING, Status.FAILED)

    # A random id: job URLs cannot be guessed or enumerated.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.CASCADE, related_name="+")
    registry = models.CharField("数据类别", max_length=64)
    original_name = models.CharField("文件名", max_length=255)
    # Where the upload and the validated rows are kept: a folder name in the
    # ``excel_imports`` storage (cadre_portal.excel.storage), never a local path —
    # the web node that took the upload and the worker that validates it may be
    # different machines. (Rows written before storage went through the API, and
    # .lrmx uploads, may hold an absolute local folder.)
    stored_dir = models.CharField("暂存位置", max_length=500, blank=True)
    options = models.JSONField("导入选项", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.TextField("说明", blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    new_rows = models.PositiveIntegerField("新增", default=0)
    updated_rows = models.PositiveIntegerField("更新", default=0)
    unchanged_rows = models.PositiveIntegerField("无变化", default=0)
    error_rows = models.PositiveIntegerField("错误行", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    preview = models.JSONField("预览", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间", default=default_expiry, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The process working on the job (host:pid:nonce) and when it last said it is
    # alive. A job whose heartbeat stops is failed by the sweep (services.fail_abandoned).
    worker = models.CharField("处理进程", max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]
        permissions = [
            # Read-only roles (leaders) get 403 on export unless an administrator grants this;
            # what they export then carries masked ID numbers.
            ("export_masked", "只读角色可导出Excel（身份证号脱敏）"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_cancel(self) -> bool:
        return self.status in self.CANCELLABLE

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.PREVIEWED and self.error_rows == 0 and (self.new_rows + self.updated_rows) > 0


def default_export_expiry():
    return timezone.now() + timedelta(minutes=getattr(settings, "EXCEL_EXPORT_TTL_MINUTES", 60))


class ExportJob(models.Model):
    """A large export written in the background (``cadre_portal.excel.exports``).

    Working state like ``ImportJob``: the durable record is the audit entry written when
    the file is made. The file is kept in the export storage until ``expires_at`` (the
    download link expires with it) and only its owner can fetch it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导出"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期"

    RUNNING_STATUSES = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.CASCADE, related_name="+")
    registry = models.CharField("数据类别", max_length=64)
    params = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    total_rows = models.PositiveIntegerField("预计行数", default=0)
    rows_written = models.PositiveIntegerField("已写行数", default=0)
    file_name = models.CharField("文件", max_length=255, blank=True)
    download_name = models.CharField("下载文件名", max_length=255, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("下载截止时间", default=default_export_expiry, db_index=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.download_name or self.registry}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING_STATUSES

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or self.expires_at < timezone.now()

    @property
    def can_download(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file_name) and not self.is_expired
