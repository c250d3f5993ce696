"""The situation-report templates the administrator edits."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class ReportTemplate(models.Model):
    """The text of a situation report with figure keys in braces (see ``report``)."""

    name = models.CharField("名称", max_length=100, unique=True)
    body = models.TextField(
        "正文模板",
        help_text="每行一段：以“# ”开头为标题，“## ”为一级标题，“### ”为二级标题；"
                  "{指标代码} 填入统计数字（如 {reserves.appointed}），{county} 为地区名称，{period} 为统计期间。",
    )
    is_default = models.BooleanField("默认模板", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "情况汇报模板"
        verbose_name_plural = "情况汇报模板"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True), name="one_default_report_template"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if not (self.body or "").strip():
            raise ValidationError({"body": "模板正文不能为空。"})

    @classmethod
    def default(cls) -> "ReportTemplate":
        """The default template; the shipped one is put back if none is left."""
        from cadre_portal.dashboards import default_report

        found = cls.objects.filter(is_default=True).first() or cls.objects.order_by("pk").first()
        if found is None:
            found = cls.objects.create(name=default_report.NAME, body=default_report.BODY, is_default=True)
        return found
