"""Builders for the 任免审批表 tests: a bank cadre with every record the form reads."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from cadre_portal import idcard
from cadre_portal.documents.testing import photo_jpeg
from cadre_portal.testing import make_unit
from youth_cadres.models import (
    AnnualAssessment,
    Appointment,
    AppointmentRound,
    Cadre,
    FamilyMember,
    Post,
    ResumeEntry,
    RewardPunishment,
)
from youth_cadres.tests.builders import make_cadre


def full_cadre(unit, **fields):
    """A cadre whose file fills every field of the form."""
    values = dict(
        name="陈志远", birth=date(1990, 5, 17), ethnicity="01", native_place="湖北崇阳", birth_place="湖北崇阳",
        party_join=date(2011, 6, 1), work_start=date(2012, 7, 1), health="健康", professional_title="经济师",
        specialty="农村经济管理", fulltime_education="21", fulltime_degree="412",
        fulltime_school="华中农业大学经济管理学院农林经济管理专业", fulltime_degree_school="华中农业大学经济管理学院农林经济管理专业",
        inservice_education="11", inservice_degree="349", inservice_school="湖北省委党校经济管理专业",
        inservice_degree_school="华中农业大学公共管理专业", current_post="崇阳县天城镇党委委员、副镇长", political_status="01",
    )
    values.update(fields)
    id_number = values.pop("id_number", None)
    if id_number:
        values["birth"] = idcard.parse(id_number).birth_date
    cadre = make_cadre(unit, **values)
    if id_number:
        Cadre.objects.filter(pk=cadre.pk).update(id_number=id_number)
        cadre.refresh_from_db()
    ResumeEntry.objects.create(cadre=cadre, start=date(2008, 9, 1), end=date(2012, 7, 1), text="华中农业大学经济管理学院农林经济管理专业学习")
    ResumeEntry.objects.create(cadre=cadre, start=date(2012, 7, 1), end=date(2018, 9, 1), text="崇阳县天城镇人民政府科员、党政综合办公室主任")
    ResumeEntry.objects.create(cadre=cadre, start=date(2018, 9, 1), end=None, text="崇阳县天城镇党委委员、副镇长\n（其间：2018.09--2021.07在湖北省委党校经济管理专业在职研究生学习）")
    FamilyMember.objects.create(cadre=cadre, relation="妻子", name="刘敏", birth_date=date(1991, 8, 12), political_status="01", work_unit_post="崇阳县第一中学教师", sort_order=0)
    FamilyMember.objects.create(cadre=cadre, relation="儿子", name="陈一鸣", birth_date=date(2018, 3, 2), political_status="13", work_unit_post="崇阳县实验小学学生", sort_order=1)
    RewardPunishment.objects.create(cadre=cadre, date=date(2019, 12, 20), kind="reward", text="被崇阳县委评为优秀共产党员")
    RewardPunishment.objects.create(cadre=cadre, date=date(2022, 1, 10), kind="reward", text="记三等功")
    for year, result in ((2020, "2"), (2021, "1"), (2022, "2"), (2023, "1")):
        AnnualAssessment.objects.create(cadre=cadre, year=year, result=result)
    cadre.photo.save("p.jpg", ContentFile(photo_jpeg()), save=True)
    return cadre


def round_with(cadres, *, title="2024年第3批干部任免", day=date(2024, 6, 1), post_unit=None):
    """An appointment round, one appointment per cadre (rows as the bank's workflow leaves them)."""
    r = AppointmentRound.objects.create(title=title, date=day, filled_by="王晓燕", filled_on=date(2024, 6, 3))
    appointments = []
    for i, cadre in enumerate(cadres):
        unit = post_unit or make_unit("中共崇阳县沙坪镇委员会", cadre.unit.region)
        post = Post.objects.create(unit=unit, title=f"副书记{r.pk}-{i + 1}", level="141", headcount=1)
        appointments.append(Appointment.objects.create(
            cadre=cadre, post=post, round=r, appointed_on=day, removed_post=f"{cadre.current_post}职务",
            reason="工作需要。", previous_post=cadre.current_post,
        ))
    return r, appointments
