"""``{% rmb_buttons "<source>" obj %}``: the 任免审批表 buttons on a record's page."""

from django import template
from django.urls import reverse

from cadre_portal.documents import registry

register = template.Library()


@register.filter
def can_export_lrmx(source, user) -> bool:
    return source.can_export_lrmx(user)


@register.inclusion_tag("documents/_rmb_buttons.html", takes_context=True)
def rmb_buttons(context, key, obj, label="任免审批表"):
    """Print view, Word and .lrmx links for ``obj`` — only for roles the source allows
    (nothing at all for others). The record is the one the page already fetched
    through its scope; the links fetch it again through the source's scope."""
    user = context["request"].user
    source = registry.get(key)
    if source is None or obj is None or not source.can_print(user) or not source.applies_to(obj):
        return {"show": False}
    args = [key, obj.pk]
    return {
        "show": True,
        "label": label,
        "print_url": reverse("documents:rmb_print", args=args),
        "docx_url": reverse("documents:rmb_docx", args=args),
        "lrmx_url": reverse("documents:rmb_lrmx", args=args) if source.can_export_lrmx(user) else "",
    }


@register.inclusion_tag("documents/_rmb_buttons.html", takes_context=True)
def rmb_batch_buttons(context, key, batch, label="打印任免审批表"):
    """The forms of every person of a batch (an appointment round) in one file."""
    user = context["request"].user
    source = registry.get(key)
    if source is None or batch in (None, "") or not source.can_print(user):
        return {"show": False}
    args = [key, batch]
    return {
        "show": True,
        "label": label,
        "print_url": reverse("documents:batch_print", args=args),
        "docx_url": reverse("documents:batch_docx", args=args),
        "lrmx_url": reverse("documents:batch_lrmx", args=args) if source.can_export_lrmx(user) else "",
    }
