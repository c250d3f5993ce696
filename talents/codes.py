"""The talents' own code tables, kept in ``cadre_portal.models.CodeItem`` so an
administrator can extend them (系统管理 → 代码表: add a row with the table key below).

- ``talent_category_<domain>``: the categories of each domain's registry (名优师资库 …);
- ``talent_recruit_channel``: how a recruited talent came (专项招引、定向招聘 …);
- ``talent_leading_industry``: the county's leading agricultural industries (竹、茶、药、猪).

Seeded by a data migration (``talents/migrations/0002_seed_code_items.py``) and by
``seed_talent_code_items`` wherever the table may have been emptied (test flushes).
A table that already has rows is left alone, so an administrator's edits survive.
"""

from __future__ import annotations

CHANNEL_TABLE = "talent_recruit_channel"
INDUSTRY_TABLE = "talent_leading_industry"


def category_table(domain: str) -> str:
    return f"talent_category_{domain}"


# (code, name) rows; codes are short and stable, names are what users see.
TABLES: dict[str, list[tuple[str, str]]] = {
    category_table("education"): [
        ("E01", "优秀青年教师"),
        ("E02", "特级教师"),
        ("E03", "骨干教师"),
        ("E04", "学科带头人"),
        ("E05", "紧缺急需教师"),
        ("E06", "优秀校长"),
    ],
    category_table("medical"): [
        ("M01", "“双一流”大学毕业生"),
        ("M02", "高层次医疗卫生专业技术人才"),
        ("M03", "优秀编外在岗医护人员"),
        ("M04", "优秀大学生村医"),
        ("M05", "院外医疗专家"),
        ("M06", "本土培养医疗卫生人才"),
    ],
    category_table("agriculture"): [
        ("A01", "乡村创业带头人"),
        ("A02", "家庭农场主"),
        ("A03", "农业企业家"),
        ("A04", "农民合作社带头人"),
        ("A05", "电商销售人才"),
        ("A06", "农业科研人才"),
        ("A07", "农业专技人才"),
        ("A08", "农业管理服务人才"),
    ],
    category_table("industry"): [
        ("I01", "企业经营管理人才"),
        ("I02", "企业专业技术人才"),
        ("I03", "企业技能人才"),
        ("I04", "工科人才"),
        ("I05", "科研人才"),
        ("I06", "院士专家"),
    ],
    category_table("culture"): [
        ("C01", "文化名家"),
        ("C02", "非遗传承人才"),
        ("C03", "乡村规划师"),
        ("C04", "乡村建筑师"),
        ("C05", "民间艺术家"),
        ("C06", "文化管理人才"),
    ],
    CHANNEL_TABLE: [
        ("01", "专项招引"),
        ("02", "定向招聘"),
        ("03", "定向培养"),
        ("04", "联体共享"),
        ("05", "校园招聘"),
        ("06", "专项招聘"),
        ("07", "公开招聘"),
        ("08", "柔性引进"),
    ],
    INDUSTRY_TABLE: [
        ("01", "竹"),
        ("02", "茶"),
        ("03", "药"),
        ("04", "猪"),
    ],
}

TABLE_LABELS = {
    category_table("education"): "人才类别（教育）",
    category_table("medical"): "人才类别（医疗）",
    category_table("agriculture"): "人才类别（农业）",
    category_table("industry"): "人才类别（工业）",
    category_table("culture"): "人才类别（文化）",
    CHANNEL_TABLE: "人才招引渠道",
    INDUSTRY_TABLE: "农业主导产业",
}


def seed_talent_code_items(model) -> int:
    """Insert the tables above into ``model`` (the real or a migration's historical
    CodeItem). Only tables with no rows at all are filled."""
    present = set(model.objects.filter(table__in=list(TABLES)).values_list("table", flat=True).distinct())
    rows = [
        model(table=table, code=code, name=name, sort_order=order, is_active=True, is_passing=True)
        for table, items in TABLES.items() if table not in present
        for order, (code, name) in enumerate(items)
    ]
    if rows:
        model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
