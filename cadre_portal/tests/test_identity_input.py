"""One person, one ID whatever the digits; names are Han characters, · and the extra set."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cadre_portal import idcard
from cadre_portal.people import clean_name
from cadre_portal.testing import make_id_number
from reserves.models import Candidate
from reserves.tests import builders as b

NUMBER = idcard.make("421223", date(1990, 5, 1), 123)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


# --- ID numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("table", [ARABIC_INDIC, DEVANAGARI], ids=["arabic-indic", "devanagari"])
def test_non_ascii_digits_are_refused_with_a_chinese_message(table):
    with pytest.raises(idcard.IDNumberError, match="半角阿拉伯数字"):
        idcard.parse(NUMBER.translate(table))


def test_superscript_digits_are_read_as_the_same_number():
    assert idcard.parse(NUMBER.translate(SUPERSCRIPT)).number == NUMBER


def test_an_invisible_character_inside_the_number_is_named():
    with pytest.raises(idcard.IDNumberError, match="不可见字符（U\\+200B）"):
        idcard.parse(NUMBER[:6] + "\u200b" + NUMBER[6:])


def test_a_hyphenated_number_is_refused():
    with pytest.raises(idcard.IDNumberError, match="只能包含数字 0-9 和字母 X"):
        idcard.parse(NUMBER[:6] + "-" + NUMBER[6:])


def test_only_ascii_digits_and_x_count_as_stored_spelling():
    assert idcard.is_canonical(NUMBER) and not idcard.is_canonical(NUMBER.translate(ARABIC_INDIC))


@pytest.mark.django_db
def test_an_arabic_indic_copy_of_an_open_record_is_refused_in_the_form(personas, login):
    from reserves.tests.test_views import _nomination_data

    existing = b.draft(personas)
    data = _nomination_data(personas.tree.village_a1, id_number=existing.id_number.translate(ARABIC_INDIC))
    page = login(personas.officer_a).post(reverse("reserves:create"), data).content.decode()
    assert "半角阿拉伯数字" in page and Candidate.objects.count() == 1


@pytest.mark.django_db
def test_a_superscript_copy_of_an_open_record_is_the_same_person(personas, login):
    from reserves.tests.test_views import _nomination_data

    existing = b.draft(personas)
    data = _nomination_data(personas.tree.village_a1, id_number=existing.id_number.translate(SUPERSCRIPT))
    response = login(personas.officer_a).post(reverse("reserves:create"), data)
    assert response.status_code == 200 and "不能重复推荐" in response.content.decode()
    assert Candidate.objects.count() == 1


@pytest.mark.django_db
def test_the_check_command_finds_and_fixes_a_stored_non_canonical_number(personas):
    c = b.draft(personas)
    Candidate.objects.filter(pk=c.pk).update(id_number=c.id_number.translate(SUPERSCRIPT))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_id_numbers", stdout=out)
    assert "不是规范写法" in out.getvalue()
    call_command("check_id_numbers", "--fix", stdout=StringIO())
    c.refresh_from_db()
    assert idcard.is_canonical(c.id_number)
    call_command("check_id_numbers", stdout=StringIO())  # nothing left: no error


@pytest.mark.django_db
def test_the_check_command_reports_numbers_it_cannot_fix(personas):
    c = b.draft(personas)
    Candidate.objects.filter(pk=c.pk).update(id_number=c.id_number.translate(ARABIC_INDIC))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_id_numbers", "--fix", stdout=out)
    assert "半角阿拉伯数字" in out.getvalue()


@pytest.mark.django_db
def test_the_check_command_will_not_fix_into_a_duplicate(personas):
    first = b.draft(personas)
    second = b.draft(personas, personas.tree.village_a2)
    Candidate.objects.filter(pk=second.pk).update(id_number=first.id_number.translate(SUPERSCRIPT))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_id_numbers", "--fix", stdout=out)
    assert "重复" in out.getvalue()


# --- names -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, stored", [
    ("张三", "张三"), (" 张 三 ", "张三"), ("张\u3000三", "张三"), ("买买提•艾力", "买买提·艾力"),
    ("买买提.艾力", "买买提·艾力"), ("王〇", "王〇"), ("𠀋小明", "𠀋小明"),
])
def test_acceptable_names_are_stored_normalised(raw, stored):
    assert clean_name(raw) == stored


@pytest.mark.parametrize("raw, hint", [
    ("张\u200b三", "不可见的字符（U+200B）"),
    ("张\u202e三", "不可见的字符（U+202E）"),
    ("张三😀", "“😀”"),
    ("<b>张三</b>", "“<”"),
    ("Zhang San", "“Z”"),
    ("·艾力", "间隔号"),
    ("买买提··艾力", "间隔号"),
])
def test_unacceptable_names_get_a_chinese_error(raw, hint):
    with pytest.raises(ValidationError) as err:
        clean_name(raw)
    assert hint in err.value.messages[0]


def test_the_extra_set_is_a_setting(settings):
    settings.PERSON_NAME_EXTRA_CHARACTERS = "〇ཀ"
    assert clean_name("扎西ཀ") == "扎西ཀ"


def test_a_name_longer_than_the_column_is_an_error_not_a_crash():
    with pytest.raises(ValidationError, match="最多 32 个字"):
        clean_name("阿" * 33)


@pytest.mark.django_db
def test_the_nomination_form_refuses_a_zero_width_name(personas, login):
    from reserves.tests.test_views import _nomination_data

    page = login(personas.officer_a).post(
        reverse("reserves:create"), _nomination_data(personas.tree.village_a1, name="张\u200b三")).content.decode()
    assert "不可见的字符" in page and not Candidate.objects.exists()


@pytest.mark.django_db
def test_a_thirty_two_character_name_is_saved_with_its_pinyin(personas):
    c = b.draft(personas, name="庄" * 32, id_number=make_id_number(date(1990, 1, 1)))
    c.refresh_from_db()
    assert c.name_pinyin == "zhuang" * 32  # 192 letters: the old 128-letter column overflowed


def test_an_excel_name_cell_follows_the_same_rules():
    from cadre_portal.excel.columns import CellError, PersonNameColumn

    column = PersonNameColumn()
    assert column.parse(" 买买提•艾力 ", None) == "买买提·艾力"
    assert column.parse("张\u200b三", None) == "张三"  # the reader treats a zero-width space as a space
    with pytest.raises(CellError, match="不可见的字符"):
        column.parse("张\u202e三", None)
    with pytest.raises(CellError, match="“😀”"):
        column.parse("张三😀", None)
