from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cadre_portal import idcard
from cadre_portal.people import PersonFields
from cadre_portal.pinyin import initials


class _Person(PersonFields):
    """PersonFields.clean() is pure: an unsaved, unmanaged instance is enough."""

    class Meta:
        app_label = "cadre_portal"
        managed = False


NUMBER = idcard.make("421223", date(1991, 7, 15), 35)  # male


def test_sex_and_birth_date_are_derived_from_the_id_number():
    person = _Person(name="张三", id_number=NUMBER)
    person.clean()
    assert (person.sex, person.birth_date) == ("1", date(1991, 7, 15))


def test_a_sex_that_contradicts_the_id_number_is_an_error():
    person = _Person(name="张三", id_number=NUMBER, sex="2")
    with pytest.raises(ValidationError) as exc:
        person.clean()
    assert "性别与身份证号码不符" in str(exc.value.message_dict["sex"])


def test_a_birth_date_that_contradicts_the_id_number_is_an_error():
    person = _Person(name="张三", id_number=NUMBER, birth_date=date(1991, 7, 16))
    with pytest.raises(ValidationError) as exc:
        person.clean()
    assert "出生日期与身份证号码不符" in str(exc.value.message_dict["birth_date"])


def test_an_invalid_id_number_is_a_field_error():
    person = _Person(name="张三", id_number=NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"))
    with pytest.raises(ValidationError) as exc:
        person.clean()
    assert "校验位" in str(exc.value.message_dict["id_number"])


@pytest.mark.parametrize(
    "name, expected",
    [("张三", "zs"), ("曾小明", "zxm"), ("单田芳", "stf"), ("解缙", "xj"), ("仇英", "qy"), ("尉迟恭", "ycg"), ("李", "l")],
)
def test_pinyin_initials_read_surnames_as_surnames(name, expected):
    assert initials(name) == expected
