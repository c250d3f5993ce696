"""Template helpers of the young-cadre pages."""

from __future__ import annotations

from django import template
from django.urls import reverse

from youth_cadres import services
from youth_cadres.models import month_text

register = template.Library()


@register.inclusion_tag("youth_cadres/_record_actions.html", takes_context=True)
def record_actions(context, key, obj):
    """Edit / delete buttons of a record, for a user who may change it."""
    user = context["request"].user
    kind = services.RECORD_KINDS[key]
    allowed = (
        not user.is_read_only and user.role in kind.roles and services.can_change(kind, obj, user)
        and key in context.get("record_kinds", {})
    )
    return {
        "allowed": allowed,
        "edit_url": reverse("youth_cadres:record_edit", args=[obj.cadre_id, key, obj.pk]) if key != "attachment" else "",
        "delete_url": reverse("youth_cadres:record_delete", args=[obj.cadre_id, key, obj.pk]),
        "label": kind.label,
    }


@register.inclusion_tag("youth_cadres/_add_button.html", takes_context=True)
def add_record(context, key, cadre):
    kind = context.get("record_kinds", {}).get(key)
    return {"kind": kind, "url": reverse("youth_cadres:record_add", args=[cadre.pk, key]) if kind else ""}


@register.filter
def ym(value) -> str:
    """``1990.05``"""
    return month_text(value)


@register.filter
def ymd(value) -> str:
    return value.strftime("%Y.%m.%d") if value else ""
