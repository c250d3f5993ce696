"""Builders for forms, photos and ``.lrmx`` files (tests, demo data, benchmarks).

All persons are fictional; ID numbers are valid (check digit) but made up.
"""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw

from cadre_portal import idcard
from cadre_portal.documents.formdata import FamilyRow, FormData, ResumeLine


def photo_jpeg(width: int = 300, height: int = 420, *, colour=(168, 196, 228), fmt: str = "JPEG") -> bytes:
    """A head-and-shoulders silhouette on a blue ground, like an ID photo."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    cx = width // 2
    head = width // 5
    draw.ellipse((cx - head, height // 4 - head, cx + head, height // 4 + head + head // 3), fill=(70, 70, 80))
    draw.rounded_rectangle((cx - int(width * 0.42), int(height * 0.58), cx + int(width * 0.42), height + 40), radius=width // 4, fill=(40, 44, 60))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def sample_form(**changes) -> FormData:
    """A complete form with every field filled (a 1990 graduate, now a deputy section chief)."""
    birth = date(1990, 5, 17)
    form = FormData(
        name="陈志远",
        sex="男",
        birth=birth,
        ethnicity="汉族",
        native_place="湖北崇阳",
        birth_place="湖北崇阳",
        party_join=date(2011, 6, 1),
        work_start=date(2012, 7, 1),
        health="健康",
        professional_title="经济师",
        specialty="农村经济管理",
        fulltime_education="大学",
        fulltime_degree="管理学学士",
        fulltime_school="华中农业大学经济管理学院农林经济管理专业",
        fulltime_degree_school="华中农业大学经济管理学院农林经济管理专业",
        inservice_education="研究生",
        inservice_degree="农业硕士",
        inservice_school="湖北省委党校经济管理专业",
        inservice_degree_school="华中农业大学农业管理专业",
        current_post="崇阳县天城镇党委委员、副镇长",
        proposed_post="崇阳县沙坪镇党委副书记",
        proposed_removal="崇阳县天城镇党委委员、副镇长职务",
        resume=[
            ResumeLine(date(2008, 9, 1), date(2012, 7, 1), "华中农业大学经济管理学院农林经济管理专业学习"),
            ResumeLine(date(2012, 7, 1), date(2015, 3, 1), "崇阳县天城镇人民政府科员（2012.07--2013.07试用期）"),
            ResumeLine(date(2015, 3, 1), date(2018, 9, 1), "崇阳县天城镇党政综合办公室副主任"),
            ResumeLine(
                date(2018, 9, 1), date(2021, 9, 1),
                "崇阳县天城镇党政综合办公室主任\n（其间：2018.09--2021.07在湖北省委党校经济管理专业在职研究生学习）",
            ),
            ResumeLine(date(2021, 9, 1), None, "崇阳县天城镇党委委员、副镇长"),
        ],
        rewards="2019.12 被崇阳县委评为优秀共产党员\n2022.01 年度考核优秀，记三等功",
        assessments="2021年度考核优秀；2022年度考核称职；2023年度考核优秀。",
        reason="工作需要。",
        family=[
            FamilyRow("妻子", "刘敏", date(1991, 8, 1), "中共党员", "崇阳县第一中学教师"),
            FamilyRow("儿子", "陈一鸣", date(2018, 3, 1), "群众", "崇阳县实验小学学生"),
            FamilyRow("父亲", "陈建国", date(1962, 10, 1), "中共党员", "崇阳县天城镇茅井村村民"),
            FamilyRow("母亲", "王桂英", date(1964, 2, 1), "群众", "崇阳县天城镇茅井村村民"),
        ],
        reporting_unit="中共崇阳县委组织部",
        filled_by="组织部干部",
        filled_on=date(2024, 5, 1),
        age_date=date(2024, 5, 1),
        id_number=idcard.make("421223", birth, 31),
        photo=photo_jpeg(),
        version="3.2",
    )
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def long_resume(entries: int = 40) -> list[ResumeLine]:
    """A career long enough to need the smaller fonts (or a continuation page)."""
    lines = []
    for i in range(entries):
        start = date(1990 + i // 2, 1 + (i % 2) * 6, 1)
        end = date(1990 + (i + 1) // 2, 1 + ((i + 1) % 2) * 6, 1)
        lines.append(ResumeLine(start, end, f"崇阳县某某乡镇党政综合办公室工作人员、团委副书记（第 {i + 1} 段经历，负责文秘、组织、宣传等工作）"))
    return lines
