"""Chinese resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: 6-digit region code, 8-digit birth date, 3-digit sequence
(odd = male, even = female) and a check digit by ISO 7064 MOD 11-2.

We check the digit ourselves: python-stdnum rejects real numbers whose
region code is newer than the birth year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XxX")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class IDNumberError(ValueError):
    """A resident ID number that cannot be accepted; the message is for the user."""


@dataclass(frozen=True)
class IDInfo:
    number: str
    birth_date: date
    sex: str  # code from GB/T 2261.1: "1" male, "2" female


def check_digit(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalize(raw: object) -> str:
    """Strip spaces (half- and full-width), map full-width digits, upper-case x."""
    if raw is None:
        return ""
    text = str(raw).translate(_FULLWIDTH)
    text = re.sub(r"[\s\u3000]+", "", text)
    return text.upper()


def parse(raw: object) -> IDInfo:
    """Validate and decode an ID number, or raise IDNumberError with a Chinese message."""
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        raise IDNumberError("身份证号被 Excel 存成了数字，末尾几位已丢失；请把该列设为文本格式后重新填写完整号码。")
    number = normalize(raw)
    if not number:
        raise IDNumberError("请填写身份证号码。")
    if _SCIENTIFIC.match(number) or (re.fullmatch(r"\d{16,17}0{0,3}\.0+", number)):
        raise IDNumberError("身份证号被 Excel 存成了数字（如 4.21223199005E+17），末尾几位已丢失；请把该列设为文本格式后重新填写完整号码。")
    if len(number) == 15 and number.isdigit():
        raise IDNumberError("这是15位旧身份证号码，请填写18位居民身份证号码。")
    if len(number) != 18:
        raise IDNumberError(f"身份证号码应为18位，当前为{len(number)}位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IDNumberError("身份证号码前17位应为数字，最后一位为数字或 X。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IDNumberError("身份证号码中的出生日期不存在。") from None
    if birth.year < 1900 or birth > date.today():
        raise IDNumberError("身份证号码中的出生日期不合理。")
    if check_digit(number[:17]) != number[17]:
        raise IDNumberError("身份证号码校验位不正确，请核对是否填错。")
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IDInfo(number=number, birth_date=birth, sex=sex)


def is_valid(raw: object) -> bool:
    try:
        parse(raw)
    except IDNumberError:
        return False
    return True


def mask(number: str | None) -> str:
    """`421223199005011234` -> `421223********1234` (region code and last four kept)."""
    if not number:
        return ""
    number = str(number)
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(region: str, birth: date, sequence: int) -> str:
    """Build a valid number (demo data and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
