"""The demand categories (诉求类别): a code table an administrator may extend
(系统管理 › 代码表, table ``retention_demand_category``).

The first four codes are read by the figures (住房、婚恋、薪酬增资、工作补贴) and must
keep their codes; their names, order and any further categories are the
administrator's.
"""

from __future__ import annotations

DEMAND_CATEGORY_TABLE = "retention_demand_category"

HOUSING, MARRIAGE, PAY, ALLOWANCE = "housing", "marriage", "pay", "allowance"

DEMAND_CATEGORIES = [
    (HOUSING, "住房"),
    (MARRIAGE, "婚恋"),
    (PAY, "薪酬增资"),
    (ALLOWANCE, "工作补贴"),
    ("schooling", "子女就学"),
    ("spouse", "配偶工作"),
    ("career", "职业发展"),
    ("other", "其他"),
]


def seed_demand_categories(model) -> int:
    """Insert the categories into ``model`` (the real or a migration's historical
    CodeItem) unless the table already has rows (an administrator's edits survive)."""
    if model.objects.filter(table=DEMAND_CATEGORY_TABLE).exists():
        return 0
    rows = [
        model(table=DEMAND_CATEGORY_TABLE, code=code, name=name, sort_order=order, is_active=True, is_passing=True)
        for order, (code, name) in enumerate(DEMAND_CATEGORIES)
    ]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def categories():
    """Active categories as (pk, name), in the administrator's order."""
    from cadre_portal.models import CodeItem

    return list(
        CodeItem.objects.filter(table=DEMAND_CATEGORY_TABLE, is_active=True)
        .order_by("sort_order", "code").values_list("pk", "name")
    )


def item(code: str):
    """The category with this code (CodeItem)."""
    from cadre_portal.models import CodeItem

    return CodeItem.objects.get(table=DEMAND_CATEGORY_TABLE, code=code)
