"""Pinyin initials for name search (``zs`` finds 张三).

pypinyin reads a surname as an ordinary word (曾 → ceng, 单 → dan), so the
first character goes through a surname override table first.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# Surnames whose reading differs from the character's common reading.
SURNAME_OVERRIDES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "繁": "po",
    "盖": "ge",
    "任": "ren",
    "种": "chong",
    "覃": "qin",
    "尉": "yu",
    "万俟": "mo qi",
    "尉迟": "yu chi",
    "长孙": "zhang sun",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "宓": "mi",
    "秘": "bi",
    "薄": "bo",
    "召": "shao",
    "员": "yun",
    "华": "hua",
    "纪": "ji",
    "沈": "shen",
    "柏": "bai",
    "褚": "chu",
    "冼": "xian",
    "莘": "shen",
    "洗": "xian",
    "黑": "he",
    "阚": "kan",
    "靳": "jin",
    "朝": "chao",
    "折": "she",
    "燕": "yan",
}


@lru_cache(maxsize=None)
def _char_syllables(char: str) -> tuple[str, ...]:
    """One character's reading as pypinyin gives it (bounded: one entry per distinct character)."""
    return tuple(lazy_pinyin(char, style=Style.NORMAL, errors="ignore"))


def _syllables(text: str) -> tuple[str, ...]:
    """``lazy_pinyin(text, style=NORMAL, errors="ignore")``, fast for names.

    pypinyin reads a run of characters from its phrase dictionary when a phrase
    occurs in it and character by character otherwise; its phrase dictionary has
    no one-character entries. So when no substring of two or more characters is
    a phrase, the result is exactly the characters' own readings, each cached
    once (~2 µs a name instead of ~90 µs). Otherwise pypinyin reads the whole text.
    """
    n = len(text)
    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if text[i:j] in PHRASES_DICT:
                return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))
    if n == 1:
        return _char_syllables(text)
    result: list[str] = []
    for char in text:
        result.extend(_char_syllables(char))
    return tuple(result)


@lru_cache(maxsize=65536)
def _name_syllables(name: str) -> tuple[str, ...]:
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in SURNAME_OVERRIDES:
            # Readings are space-separated syllables, one per character.
            return tuple(SURNAME_OVERRIDES[surname].split()) + _syllables(name[length:])
    return _syllables(name)


def name_syllables(name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    return list(_name_syllables(name))


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, computed once per distinct name."""
    syllables = name_syllables(name)
    return "".join(s[0] for s in syllables if s).lower(), "".join(syllables).lower()


def initials(name: str) -> str:
    """张三 -> zs; 曾小明 -> zxm; 单田芳 -> stf."""
    return search_keys(name or "")[0]


def full_pinyin(name: str) -> str:
    """张三 -> zhangsan."""
    return search_keys(name or "")[1]
