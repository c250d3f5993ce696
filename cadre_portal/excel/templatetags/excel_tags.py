"""``{% excel_buttons "registry_key" %}``: 导出Excel (with the list's current filters),
Excel导入 and 下载模板, each shown only to a role that may use it."""

from django import template

from cadre_portal.excel.resources import get

register = template.Library()


@register.inclusion_tag("excel/_buttons.html", takes_context=True)
def excel_buttons(context, key):
    request = context.get("request")
    user = getattr(request, "user", None)
    cls = get(key)
    if cls is None or user is None:
        return {"can_import": False, "can_export": False}
    from cadre_portal.lists import export_query

    return {
        "registry": cls,
        "can_import": cls.can_import(user),
        "can_export": cls.can_export(user),
        "query": export_query(request.GET),
    }
