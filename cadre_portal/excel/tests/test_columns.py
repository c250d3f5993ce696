"""Columns take the model's declared ranges (cadre_portal.bounds) unless they set their own."""

from datetime import date

import pytest

from cadre_portal.excel.columns import CellError, DateColumn, IntegerColumn
from cadre_portal.excel.resources import ExcelResource
from cadre_portal.models import Unit
from reserves.models import Candidate


class UnitSample(ExcelResource):
    key = "test_units_ranges"
    natural_key = ("name",)
    sort_order = IntegerColumn("sort_order", "排序")
    narrowed = IntegerColumn("sort_order", "排序（窄）", target="narrow", min_value=1, max_value=10)

    class Meta:
        model = Unit
        fields = ("sort_order", "narrowed")


class CandidateSample(ExcelResource):
    key = "test_candidate_ranges"
    birth_date = DateColumn("birth_date", "出生日期")
    village_level = IntegerColumn("village__level", "村级别")

    class Meta:
        model = Candidate
        fields = ("birth_date", "village_level")


def column(cls, header):
    return next(c for c in cls.columns() if c.header == header)


def test_a_number_column_takes_the_model_range_with_one_chinese_message():
    col = column(UnitSample, "排序")
    assert (col.min_value, col.max_value) == (0, 99_999)
    with pytest.raises(CellError, match="排序应在 0 至 99999 之间。"):
        col.read(-5, None)
    assert col.read(12, None) == 12


def test_a_range_the_column_declares_itself_wins():
    col = column(UnitSample, "排序（窄）")
    with pytest.raises(CellError, match="应在 1 至 10 之间"):
        col.read(11, None)


def test_date_and_related_fields_take_their_ranges_too():
    birth = column(CandidateSample, "出生日期")
    assert (birth.min_value, birth.max_value) == (date(1900, 1, 1), date(2099, 12, 31))
    with pytest.raises(CellError, match="出生日期应在"):
        birth.read("2150-01-01", None)
    assert column(CandidateSample, "村级别").max_value == 5  # Region.level, through the relation
