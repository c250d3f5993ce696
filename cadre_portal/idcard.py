"""Chinese resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: 6-digit region code, 8-digit birth date, 3-digit sequence
(odd = male, even = female) and a check digit by ISO 7064 MOD 11-2.

We check the digit ourselves: python-stdnum rejects real numbers whose
region code is newer than the birth year.

``parse`` is the one place a typed, pasted or imported number becomes the
stored one: it normalises with NFKC (full-width ``１２Ｘ`` and superscript digits
become ASCII), drops spaces and upper-cases ``x``, and then accepts nothing but
``[0-9X]`` — so Arabic-Indic or Devanagari digits, zero-width characters or
look-alike letters can never produce a second spelling of the same person's
number (which would slip past the one-open-record rule and the ID search).
``manage.py check_id_numbers`` finds stored numbers that do not follow it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^[0-9](\.[0-9]+)?E\+?[0-9]+$")
_STORED = re.compile(r"^[0-9]{17}[0-9X]$")
# Whitespace of any kind (NFKC has already turned U+3000 into a space).
_SPACES = re.compile(r"\s+")


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
    """NFKC, no whitespace, upper-case: the canonical spelling to check (not yet validated)."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return _SPACES.sub("", text).upper()


def is_canonical(number: str) -> bool:
    """Stored numbers look exactly like this: 17 ASCII digits and an ASCII digit or X."""
    return bool(_STORED.match(number or ""))


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if unicodedata.category(ch) in {"Cf", "Cc", "Zs", "Zl", "Zp"} or not ch.isprintable():
        return f"不可见字符（U+{ord(ch):04X}）"
    return f"“{ch}”（U+{ord(ch):04X}{'，' + name if name else ''}）"


def parse(raw: object) -> IDInfo:
    """Validate and decode an ID number, or raise IDNumberError with a Chinese message."""
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        raise IDNumberError("身份证号被 Excel 存成了数字，末尾几位已丢失；请把该列设为文本格式后重新填写完整号码。")
    number = normalize(raw)
    if not number:
        raise IDNumberError("请填写身份证号码。")
    if _SCIENTIFIC.match(number) or (re.fullmatch(r"[0-9]{16,17}0{0,3}\.0+", number)):
        raise IDNumberError("身份证号被 Excel 存成了数字（如 4.21223199005E+17），末尾几位已丢失；请把该列设为文本格式后重新填写完整号码。")
    strange = next((ch for ch in number if ch not in "0123456789X"), None)
    if strange is not None:
        if strange.isdigit():
            raise IDNumberError(f"身份证号码只能使用半角阿拉伯数字 0-9 和 X，号码中有{_describe(strange)}，请改用 0-9 重新输入。")
        if len(number) == 18 and strange == number[17]:
            raise IDNumberError("身份证号码前17位应为数字，最后一位为数字或 X。")
        raise IDNumberError(f"身份证号码只能包含数字 0-9 和字母 X，号码中有{_describe(strange)}，请删除或改正后重新输入。")
    if len(number) == 15:
        raise IDNumberError("这是15位旧身份证号码，请填写18位居民身份证号码。")
    if len(number) != 18:
        raise IDNumberError(f"身份证号码应为18位，当前为{len(number)}位。")
    if "X" in number[:17]:
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
