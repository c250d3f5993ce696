from django import template

register = template.Library()

_STAGE_CLASS = {
    "draft": "bg-secondary-lt",
    "submitted": "bg-blue-lt",
    "returned": "bg-orange-lt",
    "rejected": "bg-red-lt",
    "training": "bg-green-lt",
    "final_inspected": "bg-cyan-lt",
    "committee_approved": "bg-cyan-lt",
    "final_filed": "bg-teal-lt",
    "pool": "bg-purple-lt",
    "appointed": "bg-indigo-lt",
    "removed": "bg-dark-lt",
}


@register.filter
def stage_class(stage: str) -> str:
    return _STAGE_CLASS.get(stage, "bg-secondary-lt")


@register.filter
def village_class(count: int) -> str:
    """Colour of a village's reserve count against the 3–7 rule."""
    if count < 3:
        return "bg-red-lt"
    if count > 7:
        return "bg-orange-lt"
    return "bg-green-lt"


@register.filter
def hours(value) -> str:
    if value is None:
        return "0"
    value = float(value)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


@register.filter
def index(sequence, i):
    """``list|index:n``: the n-th item (templates cannot subscript with a variable)."""
    try:
        return sequence[int(i)]
    except (IndexError, TypeError, ValueError):
        return None


@register.filter
def index_key(mapping, key):
    """``dict|index_key:k``: the value for a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
