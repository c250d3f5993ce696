"""Export cells are converted a column at a time with prepared functions: same cells as to_cell."""

from cadre_portal import codes
from cadre_portal.excel import columns as cols
from cadre_portal.excel.resources import ExcelContext


def test_cell_functions_give_what_to_cell_gives():
    plain_ctx, masked_ctx = ExcelContext(user=None), ExcelContext(user=None, mask_id_numbers=True)
    cases = [
        (cols.TextColumn("name", "姓名"), [("张三",), ("",), (None,)]),
        (cols.CodeColumn("ethnicity", "民族", choices=codes.ETHNICITY), [("01",), ("99",), ("",), (None,)]),
        (cols.BooleanColumn("ok", "是否"), [(True,), (False,), (None,)]),
        (cols.DecimalColumn("hours", "学时"), [(None,), (__import__("decimal").Decimal("2.5"),)]),
        (cols.IDNumberColumn(), [("42122319900101001X",), ("",), (None,)]),
    ]
    for ctx in (plain_ctx, masked_ctx):
        for column, samples in cases:
            cell = column.cell_function(ctx)
            for values in samples * 2:  # the second pass is served from the memo
                assert cell(values) == column.to_cell(values, ctx), (column.header, values)


def test_memo_is_bounded_and_skips_unhashable_values():
    calls = []

    def to_cell(values, ctx):
        calls.append(values)
        return str(values[0])

    cell = cols._memo_cell(to_cell, None, limit=3)
    for i in range(10):
        cell((i,))
    for i in range(10):
        cell((i,))
    assert len(calls) == 17  # 0, 1, 2 remembered; the rest converted each time
    assert cell(({"a": 1},)) == "{'a': 1}"
