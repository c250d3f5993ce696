"""Reminders, notifications, the delivery log and the administrator's settings.

- ``ReminderSetting``: one row per reminder kind — on/off, lead days, who is
  told, whether to email. Edited in the admin.
- ``Reminder``: one fact worth telling ("天城镇's trainees have a session on
  3 March"), created by a scan at most once per (kind, target, period) — the
  unique constraint is what makes beat firing twice, two beat processes,
  retried scans and racing workers harmless.
- ``Notification``: a reminder as one recipient sees it in the portal.
- ``Delivery``: the log of each channel's attempt (portal, email) with its
  outcome; also the idempotency marker of the email task.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cadre_portal import bounds
from cadre_portal.scope import ScopedQuerySet

month_day = RegexValidator(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", "请按“月-日”填写，例如 11-15。")


class ReminderSetting(models.Model):
    """What an administrator may change about one reminder kind."""

    kind = models.CharField("提醒类型", max_length=48, unique=True)
    enabled = models.BooleanField("启用", default=True)
    lead_days = models.PositiveSmallIntegerField("提前天数", default=7, help_text="在到期日前多少天发出提醒。")
    notify_township_officers = models.BooleanField("通知乡镇组织委员", default=True, help_text="记录所在乡镇的组织委员。")
    notify_county_staff = models.BooleanField("通知县委组织部干部", default=False)
    send_email = models.BooleanField("同时发送电子邮件", default=True, help_text="仅发送给填写了电子邮箱的用户。")
    window_start = models.CharField(
        "开始日期（月-日）", max_length=5, blank=True, validators=[month_day], help_text="季节性提醒（如年度考核）的开始日期。"
    )
    window_end = models.CharField("结束日期（月-日）", max_length=5, blank=True, validators=[month_day])
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    field_ranges = bounds.Bounds(lead_days=bounds.DAYS_AHEAD)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        ordering = ["kind"]

    def __str__(self) -> str:
        from cadre_portal.notifications import registry

        return registry.label_for(self.kind)

    @property
    def kind_label(self) -> str:
        from cadre_portal.notifications import registry

        return registry.label_for(self.kind)

    def clean(self):
        """A seasonal window the scan can use: both dates, the end not before
        the start (a window never spans the new year). Otherwise the kind
        would silently never remind."""
        from django.core.exceptions import ValidationError

        from cadre_portal.notifications import registry

        super().clean()
        try:
            uses_window = registry.get(self.kind).uses_window
        except LookupError:
            uses_window = False
        start, end = self.window_start or "", self.window_end or ""
        errors = {}
        if uses_window or start or end:
            if not start:
                errors["window_start"] = "请填写开始日期（月-日），例如 11-15。"
            if not end:
                errors["window_end"] = "请填写结束日期（月-日），例如 12-31。"
        if start and end and month_day.regex.match(start) and month_day.regex.match(end) and end < start:
            errors["window_end"] = "结束日期不能早于开始日期（提醒期间不能跨年）。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def for_kind(cls, kind) -> "ReminderSetting":
        """The setting row of a kind, created with the kind's defaults if missing."""
        setting, _ = cls.objects.get_or_create(
            kind=kind.key,
            defaults={
                "lead_days": kind.default_lead_days,
                "notify_township_officers": kind.default_notify_township_officers,
                "notify_county_staff": kind.default_notify_county_staff,
                "send_email": kind.default_send_email,
                "window_start": kind.default_window_start,
                "window_end": kind.default_window_end,
            },
        )
        return setting


class Reminder(models.Model):
    """One reminder about one record for one period, created by a scan."""

    kind = models.CharField("提醒类型", max_length=48, db_index=True)
    target_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField("对象编号")
    target = GenericForeignKey("target_type", "target_id")
    period = models.CharField("周期", max_length=32, help_text="如 2026Q4、2026 或到期日期。")
    region = models.ForeignKey(
        "cadre_portal.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    remind_on = models.DateField("提醒日期")
    due_date = models.DateField("到期日期", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField("分发时间", null=True, blank=True)
    recipient_count = models.PositiveIntegerField("接收人数", default=0)
    # Which scan inserted the row: ON CONFLICT DO NOTHING reports nothing, so a scan
    # finds the rows it created by its own token (another scan's win keeps theirs).
    scan_token = models.UUIDField("扫描批次", null=True, blank=True, editable=False)

    field_ranges = bounds.Bounds(remind_on=bounds.EVENT_DATE, due_date=bounds.EVENT_DATE,
                                 recipient_count=(0, 1_000_000))

    objects = ScopedQuerySet.as_manager()
    # No field history: a reminder is generated by the scan in bulk and never edited
    # by a person; the dispatch stamps it once. Its notifications keep their history.
    scope_region_field = "region"

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "period"], name="reminder_once_per_kind_target_period"
            )
        ]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="reminder_kind_created"),
            # The sweep looks for reminders whose dispatch was lost.
            models.Index(fields=["created_at"], condition=models.Q(dispatched_at__isnull=True), name="reminder_undispatched"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from cadre_portal.notifications import registry

        return registry.label_for(self.kind)

    @property
    def period_label(self) -> str:
        """The period as users read it (``2026年第4季度``, not ``2026Q4-S11``)."""
        from cadre_portal.notifications import registry

        return registry.period_label_for(self.kind, self.period)


class PlannedReminder(models.Model):
    """A reminder that will be created on a later day (``remind_on``), as the last
    scan of its kind found it: what the reminders page lists as upcoming. Each scan
    replaces its kind's rows, so one that no longer applies (a visit recorded early,
    a session moved) disappears."""

    kind = models.CharField("提醒类型", max_length=48)
    target_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField("对象编号")
    period = models.CharField("周期", max_length=32)
    region = models.ForeignKey(
        "cadre_portal.Region", verbose_name="所属区划", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    link = models.CharField("链接", max_length=500, blank=True)
    remind_on = models.DateField("提醒日期")
    due_date = models.DateField("到期日期", null=True, blank=True)
    planned_at = models.DateTimeField("扫描时间", default=timezone.now)

    field_ranges = bounds.Bounds(remind_on=bounds.EVENT_DATE, due_date=bounds.EVENT_DATE)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        verbose_name = "即将发出的提醒"
        verbose_name_plural = "即将发出的提醒"
        ordering = ["remind_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "period"], name="planned_once_per_kind_target_period"
            )
        ]
        indexes = [models.Index(fields=["kind", "remind_on"], name="planned_kind_remind_on")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        from cadre_portal.notifications import registry

        return registry.label_for(self.kind)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own notifications (notifications are scoped to their recipient)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in one user's notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, verbose_name="提醒", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient"], name="notification_once_per_reminder_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """The log of delivering one notification over one channel.

    For email it is also the idempotency marker: a delivery already ``sent``
    is never sent again, however often its task runs.
    """

    class Channel(models.TextChoices):
        PORTAL = "portal", "站内通知"
        EMAIL = "email", "电子邮件"

    class Outcome(models.TextChoices):
        PENDING = "pending", "待发送"
        RETRYING = "retrying", "重试中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "未发送"

    notification = models.ForeignKey(Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    address = models.CharField("地址", max_length=254, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.PENDING, db_index=True)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    field_ranges = bounds.Bounds(attempts=(0, 100))

    history = HistoricalRecords()

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}：{self.get_outcome_display()}"


class OutboxMessage(models.Model):
    """Follow-up work written in the same transaction as the action that causes it
    (see ``cadre_portal.notifications.outbox``): delivered after commit, or by the
    sweep when that failed, so a committed action never loses its consequences."""

    class State(models.TextChoices):
        PENDING = "pending", "待处理"
        DONE = "done", "已完成"
        FAILED = "failed", "处理失败"

    handler = models.CharField("任务", max_length=100)
    kwargs = models.JSONField("参数", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField("创建时间", default=timezone.now, db_index=True)
    available_at = models.DateTimeField("可处理时间", default=timezone.now)
    dispatched_at = models.DateTimeField("最近分发时间", null=True, blank=True)
    locked_until = models.DateTimeField("处理租约到期", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    field_ranges = bounds.Bounds(attempts=(0, 1000))

    class Meta:
        verbose_name = "后续任务"
        verbose_name_plural = "后续任务（发件箱）"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep reads only pending rows: a partial index stays small however
            # many done rows the table keeps.
            models.Index(fields=["available_at", "id"], condition=models.Q(state="pending"), name="outbox_pending"),
            models.Index(fields=["state", "done_at"], name="outbox_state_done"),
        ]

    def __str__(self) -> str:
        from cadre_portal.notifications.outbox import handler_label

        return f"{handler_label(self.handler)} #{self.pk}"

    @property
    def handler_label(self) -> str:
        from cadre_portal.notifications.outbox import handler_label

        return handler_label(self.handler)


class Heartbeat(models.Model):
    """When a periodic job last ran (``beat``: the outbox sweep that beat fires
    every minute). ``/healthz`` reports it."""

    key = models.CharField("名称", max_length=32, primary_key=True)
    at = models.DateTimeField("最近运行时间")
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "定时任务心跳"
        verbose_name_plural = "定时任务心跳"

    def __str__(self) -> str:
        return self.key

    @classmethod
    def beat(cls, key: str, **detail) -> None:
        cls.objects.update_or_create(key=key, defaults={"at": timezone.now(), "detail": detail})
