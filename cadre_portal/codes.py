"""National code tables (性别, 民族, 政治面貌, 学历, 学位 …) as Django choices.

The tables are public standards, copied from ``shared/data/code_tables.json``
into ``cadre_portal/fixtures/code_tables.json``. Fields store the code; forms
and exports show the name. Sets an administrator may change (the reserves'
three annual grades) live in the ``CodeItem`` table instead, seeded from the
same file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CODE_TABLES_FILE = Path(__file__).resolve().parent / "fixtures" / "code_tables.json"


@lru_cache(maxsize=1)
def raw_tables() -> dict:
    with CODE_TABLES_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def table(name: str, *, leaves_only: bool = False) -> list[tuple[str, str]]:
    """(code, name) pairs of a table. Plain string lists use the name as code."""
    rows = raw_tables()[name]
    pairs: list[tuple[str, str]] = []
    parents = set()
    if leaves_only:
        parents = {row[2] for row in rows if isinstance(row, list) and len(row) > 2 and row[2]}
    for row in rows:
        if isinstance(row, str):
            pairs.append((row, row))
        elif not leaves_only or row[0] not in parents:
            pairs.append((row[0], row[1]))
    return pairs


SEX = [("1", "男"), ("2", "女")]
ETHNICITY = table("ethnic_gb3304")
POLITICAL_STATUS = [(code, short) for code, _full, short in raw_tables()["political_gbt4762"]]
EDUCATION = table("education_zb64_rmb_editor", leaves_only=True)
DEGREE = table("degree_gbt6864_2003", leaves_only=True)
MARITAL = table("marital_gbt2261_2")
HEALTH = table("health_rmb_form_usage")
NOMINATION_SOURCE = table("nomination_source")
PRIORITY_GROUP = table("priority_group")
SELECTION_CRITERIA = table("selection_criteria_seed")
APPRAISAL_DIMENSIONS = table("appraisal_dimensions_seed")
DEMOCRATIC_RATING = table("democratic_rating_4")
ASSESSMENT_CONCLUSION = table("assessment_conclusion_zb18")
VILLAGE_POSTS = table("village_two_committee_posts")
WULEI = table("wulei_renyuan")
LEADER_POST_LEVEL = table("leader_post_level_zb09")
TITLE_LEVEL = table("title_level")


def label(choices: list[tuple[str, str]], code: str | None) -> str:
    return dict(choices).get(code or "", code or "")


def lookup(choices: list[tuple[str, str]], value: object) -> str | None:
    """Accept a code or a name (as office spreadsheets give either); return the code."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    for code, name in choices:
        if text == code or text == name:
            return code
    # A number typed as 1.0 by Excel for code "1"
    if text.endswith(".0") and text[:-2].isdigit():
        return lookup(choices, text[:-2])
    return None


FAILING_GRADES = {"reserve_annual_grade_3_default": {"不合格"}}


def code_item_rows():
    """Rows for the ``CodeItem`` table, seeded from the national tables."""
    for table_name, rows in raw_tables().items():
        if not isinstance(rows, list):
            continue  # notes and nested tables are reference text, not picklists
        flat_parent = table_name in ("civil_servant_rank_2019", "ethnic_gb3304", "political_gbt4762")
        for order, row in enumerate(rows):
            if isinstance(row, str):
                code, name, parent = str(order + 1), row, ""
            elif isinstance(row, list) and len(row) >= 2:
                code, name = str(row[0]), str(row[1])
                parent = str(row[2]) if len(row) > 2 and row[2] and not flat_parent else ""
            else:
                continue
            yield {
                "table": table_name, "code": code, "name": name, "parent_code": parent[:16], "sort_order": order,
                "is_passing": name not in FAILING_GRADES.get(table_name, set()),
            }


def seed_code_items(model) -> int:
    """Insert the code tables into ``model`` (the real or the migration's historical
    CodeItem); existing rows are kept, so an administrator's edits survive."""
    if model.objects.exists():
        return 0
    created = model.objects.bulk_create([model(**row) for row in code_item_rows()], ignore_conflicts=True)
    return len(created)
