"""Pinyin initials for name search (``zs`` finds 张三).

pypinyin reads a surname as an ordinary word (曾 → ceng, 单 → dan), so the
first character goes through a surname override table first.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

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


def name_syllables(name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return []
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in SURNAME_OVERRIDES:
            reading = SURNAME_OVERRIDES[surname]
            rest = lazy_pinyin(name[length:], style=Style.NORMAL, errors="ignore")
            # Readings are space-separated syllables, one per character.
            return reading.split() + rest
    return lazy_pinyin(name, style=Style.NORMAL, errors="ignore")


def initials(name: str) -> str:
    """张三 -> zs; 曾小明 -> zxm; 单田芳 -> stf."""
    return "".join(s[0] for s in name_syllables(name) if s).lower()


def full_pinyin(name: str) -> str:
    """张三 -> zhangsan."""
    return "".join(name_syllables(name)).lower()
