import django_filters
from django import forms

from cadre_portal.models import AuditEvent


def style_form_widgets(form) -> None:
    """Give every widget its Tabler/Bootstrap class (filters render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(widget, forms.CheckboxSelectMultiple):
            css = "form-select"
        elif isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class PortalFilterSet(django_filters.FilterSet):
    """FilterSet whose form is styled for Tabler."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_portal_styled", False):
            style_form_widgets(form)
            form._portal_styled = True
        return form


class AuditEventFilter(PortalFilterSet):
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
