import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

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


# A number typed into a filter (an id, a year, an amount) beyond what a database column
# holds is refused like any other bad value — the filter is ignored — instead of
# reaching the query (SQLite: OverflowError, a 500).
NUMBER_LIMIT = 2**31 - 1


def bound_number_fields(form) -> None:
    """Give every number field the database's integer range unless its own limits are
    narrower (django-filter's NumberFilter only stops at 1e50)."""
    for field in form.fields.values():
        if not isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
            continue
        if not any(isinstance(v, MaxValueValidator) and v.limit_value <= NUMBER_LIMIT for v in field.validators):
            field.validators.append(MaxValueValidator(NUMBER_LIMIT))
        if not any(isinstance(v, MinValueValidator) and v.limit_value >= -NUMBER_LIMIT for v in field.validators):
            field.validators.append(MinValueValidator(-NUMBER_LIMIT))


class PortalFilterSet(django_filters.FilterSet):
    """FilterSet whose form is styled for Tabler, with every number field bounded."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_portal_styled", False):
            style_form_widgets(form)
            bound_number_fields(form)
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
