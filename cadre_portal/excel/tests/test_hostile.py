"""Hostile spreadsheets, by class: each is refused before the parser builds anything, with
the reading child's peak memory growth at most 50 MB — measured by the child itself (its
resident set before the work and at its peak: calamine allocates in Rust, which
tracemalloc cannot see). And what no pre-check foresees still meets the memory cap: it
fails one import with a clear message, never the server.

Each builder in ``files`` makes a small file (a few KB) that, read naively, makes the
parser build a grid of millions of cells, reserve memory a header claims, or hides its
cells from a byte scan."""

import pytest

from cadre_portal.excel import filecheck, reading, sandbox
from cadre_portal.excel.tests import files

MB = 1024
BOUND_KB = 50 * MB
ALIASES = {"单位名称": "单位名称"}

CLASSES = [
    ("case_named_parts", files.case_named_parts, "数据区域过大"),
    ("case_named_workbook", files.case_named_workbook, "数据区域过大"),
    ("sheet_in_another_folder", files.sheet_in_another_folder, "数据区域过大"),
    ("no_dimension", files.no_dimension, "数据区域过大"),
    ("lying_dimension", files.lying_dimension, "数据区域过大"),
    ("two_letter_column_and_far_row", files.two_letter_column_and_far_row, "数据区域过大"),
    ("implicit_columns", files.implicit_columns, "很远的列（GS 列）"),
    ("implicit_rows", files.implicit_rows, "数据区域过大"),
    ("prefixed_elements", files.prefixed_elements, "数据区域过大"),
    ("single_quoted_references", files.single_quoted_references, "数据区域过大"),
    ("doctype_after_large_comment", files.doctype_after_large_comment, "XML 实体声明"),
    ("doctype_in_another_part", files.doctype_in_another_part, "XML 实体声明"),
    ("utf16_sheet", files.utf16_sheet, "异常的字符编码"),
    ("giant_token", files.giant_token, "异常长的内容"),
    ("forged_dimension", files.forged_dimension, "声明有 1048576 行"),
    ("far_away_cell", files.far_away_cell, "延伸到第 1048576 行"),
    ("far_away_column", files.far_away_column, "很远的列（XFD 列）"),
    ("billion_laughs", files.billion_laughs, "XML 实体声明"),
    ("external_entity", files.external_entity, "XML 实体声明"),
    ("zip_bomb", lambda p: files.zip_bomb(p, megabytes=256), "压缩炸弹"),
    ("xls_far_cell", files.xls_far_cell, "声明有 65536 行"),
    ("xls_far_cell_no_dimensions", files.xls_far_cell_no_dimensions, "数据区域过大"),
    ("xls_wrapped_dimensions", files.xls_wrapped_dimensions, "声明有 4294967287 行"),
    ("xls_huge_string_count", files.xls_huge_string_count, "内部结构异常"),
    ("xls_lying_fat_count", files.xls_lying_fat_count, "内部结构异常"),
    ("encrypted", files.encrypted_xlsx, "密码"),
    ("renamed_pdf", files.renamed_pdf, "不是 Excel 工作簿"),
    ("renamed_docx", files.renamed_docx, "不是 Excel 工作簿"),
]


def read(path):
    return reading.read_table(path, ALIASES, {"单位名称"})


@pytest.mark.parametrize("name, build, message", CLASSES, ids=[c[0] for c in CLASSES])
def test_each_hostile_class_is_refused_within_50_mb(tmp_path, name, build, message):
    path = build(tmp_path / (f"{name}.xls" if name.startswith("xls") else f"{name}.xlsx"))
    with pytest.raises(reading.ExcelRejected) as refused:
        read(path)
    assert message in str(refused.value)
    stats = refused.value.stats
    assert stats["base_kb"] > 0 and stats["peak_kb"] >= stats["base_kb"]
    assert stats["peak_kb"] - stats["base_kb"] <= BOUND_KB, f"grew {(stats['peak_kb'] - stats['base_kb']) / MB:.0f} MB"


@pytest.mark.parametrize("name, build, message", CLASSES[:13], ids=[c[0] for c in CLASSES[:13]])
def test_the_upload_check_refuses_them_too(tmp_path, name, build, message):
    path = build(tmp_path / f"{name}.xlsx")
    with pytest.raises(reading.ExcelRejected, match=message):
        reading.precheck(path)


def test_the_file_check_would_pass_a_normal_file_of_the_same_shape(tmp_path):
    """The far-cell builders differ from a normal file only in their far cells."""
    path = files.write_xlsx(tmp_path / "ok.xlsx", [["单位名称", "x"], ["县教育局", "y"]])
    table = read(path)
    assert [r.cells["单位名称"] for r in table.rows] == ["县教育局"]
    assert table.stats["peak_kb"] - table.stats["base_kb"] <= BOUND_KB


def test_what_no_check_foresees_meets_the_memory_cap_and_fails_one_read(tmp_path):
    """The pre-check switched off: calamine really tries to build the grid up to cell
    XFD1048576, runs into the cap and the child dies; the caller gets a clear message."""
    path = files.far_away_cell(tmp_path / "far.xlsx")
    request = sandbox.Request(mode="read", path=str(path), limits=reading._limits_dict(), aliases=ALIASES,
                              required=["单位名称"], check=False)
    with pytest.raises(sandbox.SandboxRefused) as refused:
        sandbox.run(request, memory_mb=400, timeout=60)
    assert str(refused.value) == sandbox.MEMORY_MESSAGE


def test_a_child_that_runs_too_long_is_stopped(tmp_path):
    path = files.write_xlsx(tmp_path / "ok.xlsx", [["单位名称"], ["县教育局"]])
    request = sandbox.Request(mode="read", path=str(path), limits=reading._limits_dict(), aliases=ALIASES,
                              required=["单位名称"])
    with pytest.raises(sandbox.SandboxRefused) as refused:
        sandbox.run(request, memory_mb=1024, timeout=0.001)
    assert str(refused.value) == sandbox.TIMEOUT_MESSAGE


def test_the_child_answers_only_with_plain_values():
    import pickle

    with pytest.raises(pickle.UnpicklingError):
        sandbox._loads(pickle.dumps(("ok", filecheck.Limits(), {})))
