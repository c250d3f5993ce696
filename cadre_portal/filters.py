import django_filters
from django import forms

from cadre_portal.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=AuditEvent.Kind.choices, empty_label="全部类型")
    username = django_filters.CharFilter(label="用户名", lookup_expr="icontains")
    summary = django_filters.CharFilter(label="摘要包含", lookup_expr="icontains")
    date_from = django_filters.DateFilter(
        label="起始日期", field_name="created_at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="截止日期", field_name="created_at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["kind", "username", "summary", "date_from", "date_to"]
