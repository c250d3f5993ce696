from datetime import date

import pytest

from cadre_portal import idcard



def test_check_digit_follows_iso_7064():
    # GB 11643 example number from the standard's annex.
    assert idcard.check_digit("11010519491231002") == "X"


def test_a_valid_number_is_decoded():
    number = idcard.make("421223", date(1990, 5, 1), 123)
    info = idcard.parse(number)
    assert (info.birth_date, info.sex) == (date(1990, 5, 1), "1")


def test_even_sequence_is_female():
    assert idcard.parse(idcard.make("421223", date(1995, 2, 28), 124)).sex == "2"


def test_lowercase_x_is_accepted_and_normalised():
    assert idcard.parse("11010519491231002x").number == "11010519491231002X"


def test_full_width_digits_and_spaces_are_normalised():
    assert idcard.parse(" １１０１０５１９４９１２３１００２Ｘ ").number == "11010519491231002X"


def test_region_code_newer_than_birth_year_is_still_valid():
    # python-stdnum rejects this (421224 did not exist in 1950); the number is real-shaped.
    number = idcard.make("421224", date(1950, 3, 3), 17)
    assert idcard.is_valid(number)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("11010519491231002Y", "最后一位"),
        ("110105194912310021", "校验位不正确"),
        ("110105199002301234", "出生日期不存在"),
        ("110105491231002", "15位旧身份证号码"),
        ("4.21223199E+17", "存成了数字"),
        ("4.21223199005E+17", "存成了数字"),
        ("1101051949", "应为18位"),
        ("", "请填写"),
    ],
)
def test_bad_numbers_are_refused_with_a_chinese_message(raw, message):
    with pytest.raises(idcard.IDNumberError, match=message):
        idcard.parse(raw)


def test_a_number_read_from_excel_as_a_float_is_refused():
    with pytest.raises(idcard.IDNumberError, match="存成了数字"):
        idcard.parse(4.21223199005e17)


def test_future_birth_date_is_refused():
    with pytest.raises(idcard.IDNumberError, match="不合理"):
        idcard.parse(idcard.make("421223", date(2099, 1, 1), 1))


def test_mask_keeps_region_and_last_four():
    assert idcard.mask("421223199005011234") == "421223********1234"
