"""List columns of the shared pages (``cadre_portal.lists``)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html_join

from cadre_portal import audit_display
from cadre_portal.lists import PortalTable
from cadre_portal.models import AuditEvent


class AuditEventTable(PortalTable):
    """审计日志: newest first; keyset pages, so the oldest entries of a large
    installation cost what the newest do (issue 16: an OFFSET page of 170,000
    entries joined every skipped row to its user and region)."""

    created_at = tables.Column(verbose_name="时间", order_by=("created_at",), attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name="类型", order_by=("kind",))
    user = tables.Column(verbose_name="用户", accessor="username", order_by=("username",), default="")
    ip_address = tables.Column(verbose_name="IP 地址", orderable=False, default="")
    summary = tables.Column(verbose_name="摘要", orderable=False)
    detail = tables.Column(verbose_name="详情", orderable=False, empty_values=(),
                           attrs={"td": {"class": "small text-secondary", "data-testid": "audit-detail"}})

    class Meta(PortalTable.Meta):
        model = AuditEvent
        fields = ("created_at", "kind", "user", "ip_address", "summary", "detail")
        order_by = ("-created_at",)
        empty_text = "没有符合条件的记录。"

    def render_created_at(self, value):
        return date_filter(value, "Y-m-d H:i:s")

    def render_kind(self, record):
        return format_html_join("", '<span class="badge bg-secondary-lt">{}</span>', [(record.get_kind_display(),)])

    def prepare_page(self, records):
        """Codes and keys of the page's details read as Chinese labels and names (one query
        per kind of record named), and who acted (``audit_display.describe``)."""
        audit_display.describe(records)

    def render_user(self, record):
        return getattr(record, "actor", None) or record.username

    def render_detail(self, record):
        return format_html_join("", "<div>{}：{}</div>", getattr(record, "detail_lines", None) or [])
