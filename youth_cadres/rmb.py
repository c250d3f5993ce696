"""The young-cadre bank and the 干部任免审批表: ``Cadre`` (+ its appointment) → ``FormData``,
and ``.lrmx`` files → ``Cadre``.

Registered with ``cadre_portal.documents.registry`` as the source ``youth``:

- the person's part of the form comes from the cadre file and its records (简历,
  家庭成员, 奖惩, the last three years' 年度考核, the photo);
- the appointment's part from an ``Appointment`` (拟任 = the post, 拟免, 任免理由,
  现任 = the post held before it) and its ``AppointmentRound`` (呈报单位, 填表人,
  填表时间; 计算年龄时间 = the round's date), so a round prints as one file;
- an ``.lrmx`` upload creates or updates cadres by resident ID number (``CadreImporter``):
  code-table values are checked, 奖惩/考核 read back into records, the photo kept as
  sent; the file's appointment part is shown but not imported (appointments are made
  through the bank's workflow).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from cadre_portal import codes, idcard
from cadre_portal.documents import photos, registry
from cadre_portal.documents.formdata import (
    FamilyRow,
    FormData,
    FormValueError,
    ResumeLine,
    parse_assessments,
    parse_rewards,
    render_assessments,
    render_rewards,
    RewardLine,
)
from cadre_portal.documents.imports import LrmxImporter, Prepared
from cadre_portal.people import clean_name
from youth_cadres.models import (
    AnnualAssessment,
    Appointment,
    AppointmentRound,
    Cadre,
    FamilyMember,
    RewardPunishment,
    ResumeEntry,
)

ASSESSMENT_YEARS = 3
ASSESSMENT_NAMES = dict(codes.ASSESSMENT_CONCLUSION)
PUNISHMENT_WORDS = ("处分", "警告", "记过", "降级", "撤职", "开除", "诫勉", "通报批评", "责令", "问责", "免职处理", "组织处理")


def _label(choices, code) -> str:
    return codes.label(choices, code) if code else ""


def _month(day):
    return day.replace(day=1) if day else None


def photo_bytes(cadre: Cadre) -> bytes | None:
    """The stored photo as the form carries it (JPEG); None when absent or unreadable."""
    if not cadre.photo:
        return None
    try:
        with cadre.photo.open("rb") as fh:
            data = fh.read()
        jpeg, _notes = photos.normalize(data)
        return jpeg
    except (OSError, ValueError, FormValueError):
        return None


def person_form(cadre: Cadre, *, assessment_years: int | None = ASSESSMENT_YEARS, photo: bool = True) -> FormData:
    """The person's part of the form from the cadre file (records prefetched)."""
    assessments = {a.year: ASSESSMENT_NAMES.get(a.result, a.result) for a in cadre.assessments.all()}
    if assessment_years:
        assessments = {y: assessments[y] for y in sorted(assessments)[-assessment_years:]}
    rewards = sorted(cadre.rewards.all(), key=lambda r: (r.date, r.pk))
    return FormData(
        name=cadre.name,
        sex=_label(codes.SEX, cadre.sex),
        birth=cadre.birth_date,
        ethnicity=_label(codes.ETHNICITY, cadre.ethnicity),
        native_place=cadre.native_place,
        birth_place=cadre.birth_place,
        party_join=_month(cadre.party_join),
        work_start=_month(cadre.work_start),
        health=cadre.health,
        professional_title=cadre.professional_title,
        specialty=cadre.specialty,
        fulltime_education=_label(codes.EDUCATION, cadre.fulltime_education),
        fulltime_degree=_label(codes.DEGREE, cadre.fulltime_degree),
        fulltime_school=cadre.fulltime_school,
        fulltime_degree_school=cadre.fulltime_degree_school,
        inservice_education=_label(codes.EDUCATION, cadre.inservice_education),
        inservice_degree=_label(codes.DEGREE, cadre.inservice_degree),
        inservice_school=cadre.inservice_school,
        inservice_degree_school=cadre.inservice_degree_school,
        current_post=cadre.current_post,
        resume=[ResumeLine(_month(r.start), _month(r.end), r.text) for r in sorted(cadre.resume.all(), key=lambda r: (r.start, r.pk))],
        rewards=render_rewards([RewardLine(_month(r.date), r.text) for r in rewards]),
        assessments=render_assessments(assessments),
        family=[
            FamilyRow(m.relation, m.name, _month(m.birth_date), _label(codes.POLITICAL_STATUS, m.political_status), m.work_unit_post)
            for m in sorted(cadre.family.all(), key=lambda m: (m.sort_order, m.pk))
        ],
        id_number=cadre.id_number,
        photo=photo_bytes(cadre) if photo else None,
    )


def cadre_queryset(user):
    return (
        Cadre.objects.visible_to(user)
        .select_related("unit")
        .prefetch_related(
            "resume", "family", "rewards", "assessments",
            Prefetch("appointments", queryset=Appointment.objects.select_related("post__unit", "round").order_by("-appointed_on", "-pk")),
        )
    )


@registry.register
class YouthCadreSource(registry.FormSource):
    key = "youth"
    title = "优秀年轻干部库"
    hub_note = "在干部页面上点击“任免审批表”生成一人的表；任免批次可一次生成全部人员的表。"

    @property
    def importer(self):
        return CadreImporter()

    def queryset(self, user):
        return cadre_queryset(user)

    def label(self, obj) -> str:
        return obj.name

    def detail_url(self, obj) -> str:
        for name in ("youth_cadres:cadre_detail", "youth_cadres:cadre", "youth_cadres:detail"):
            try:
                return reverse(name, args=[obj.pk])
            except NoReverseMatch:
                continue
        return ""

    def occasions(self, obj) -> list[registry.Occasion]:
        items = []
        for a in obj.appointments.all():
            batch = f"（{a.round.title}）" if a.round_id else ""
            items.append(registry.Occasion(str(a.pk), f"{a.appointed_on:%Y.%m.%d} 任{a.post.full_title}{batch}"))
        return items

    def _appointment(self, obj, key):
        for a in obj.appointments.all():
            if str(a.pk) == str(key):
                return a
        return None

    def form_data(self, obj, *, options: registry.FormOptions, user) -> FormData:
        form = person_form(obj)
        appointment = self._appointment(obj, options.occasion) if options.occasion else None
        when = reporting = filled_by = filled_on = None
        if appointment is not None:
            form.proposed_post = appointment.post.full_title
            form.proposed_removal = appointment.removed_post
            form.reason = appointment.reason
            form.current_post = appointment.previous_post or obj.current_post
            when = appointment.appointed_on
            if appointment.round_id:
                r = appointment.round
                when, reporting, filled_by, filled_on = r.date, r.reporting_unit, r.filled_by, r.filled_on
        return registry.fill_appointment_defaults(
            form, options, user=user, occasion_date=when, filled_by=filled_by or "", filled_on=filled_on,
            reporting_unit=reporting or registry.county_department(obj.unit.region),
        )

    def person_form_for_id_number(self, user, id_number: str) -> FormData | None:
        """The bank's record of a person (other sources use it to fill their forms)."""
        cadre = cadre_queryset(user).filter(id_number=id_number).first()
        return person_form(cadre) if cadre else None

    # Batches: the appointment rounds ---------------------------------------------------------
    def batches(self, user) -> list[registry.Batch]:
        visible = Appointment.objects.visible_to(user).values("pk")
        rounds = AppointmentRound.objects.visible_to(user).annotate(
            people=Count("appointments", filter=Q(appointments__in=visible))
        ).order_by("-date", "-pk")
        return [registry.Batch(str(r.pk), r.title, r.people, r.date) for r in rounds]

    def batch_items(self, user, batch_key: str):
        if not str(batch_key).isdigit():
            raise Http404
        round_ = get_object_or_404(AppointmentRound.objects.visible_to(user), pk=batch_key)
        appointments = list(
            Appointment.objects.visible_to(user).filter(round=round_).order_by("pk").values_list("pk", "cadre_id")
        )
        cadres = {c.pk: c for c in cadre_queryset(user).filter(pk__in=[cadre for _a, cadre in appointments])}
        return [(cadres[cadre], str(pk)) for pk, cadre in appointments if cadre in cadres]


# --- .lrmx import ------------------------------------------------------------------------------


class CadreImportOptionsForm(forms.Form):
    """The upload page's choice: the unit new cadres (ID numbers not yet in the bank) join."""

    unit = forms.ModelChoiceField(
        label="新建干部的工作单位", required=False, queryset=None,
        help_text="文件中的人员不在干部库中时按此单位建档；已有人员不受影响。",
        empty_label="（不新建干部）",
    )

    def __init__(self, user, data=None, **kwargs):
        super().__init__(data, **kwargs)
        from cadre_portal.models import Unit

        self.fields["unit"].queryset = Unit.objects.visible_to(user).select_related("region").order_by("region__path", "sort_order", "name")
        self.fields["unit"].label_from_instance = lambda u: f"{u.name}（{u.region.name}）"

    def options(self) -> dict:
        unit = self.cleaned_data.get("unit")
        return {"unit": unit.pk if unit else None}

EDUCATION_SYNONYMS = {
    "大学本科": "大学", "本科": "大学", "大学本科毕业": "大学", "硕士研究生": "研究生", "博士研究生": "研究生",
    "研究生（硕士）": "研究生", "研究生（博士）": "研究生", "专科": "大专", "大学专科": "大专", "中等专科": "中专",
}
HEALTH_SYNONYMS = {"良好": "健康", "健康良好": "健康", "身体健康": "健康"}
LENGTHS = {  # FormData attribute: (label, Cadre field)
    "name": ("姓名", "name"), "native_place": ("籍贯", "native_place"), "birth_place": ("出生地", "birth_place"),
    "professional_title": ("专业技术职务", "professional_title"), "specialty": ("熟悉专业有何专长", "specialty"),
    "fulltime_school": ("全日制教育毕业院校系及专业", "fulltime_school"),
    "fulltime_degree_school": ("全日制教育学位授予院校系及专业", "fulltime_degree_school"),
    "inservice_school": ("在职教育毕业院校系及专业", "inservice_school"),
    "inservice_degree_school": ("在职教育学位授予院校系及专业", "inservice_degree_school"),
    "current_post": ("现任职务", "current_post"),
}


def _code(choices, value: str, synonyms: dict | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        return ""
    value = (synonyms or {}).get(value, value)
    return codes.lookup(choices, value)


def _political_code(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return ""
    for code, full, short in codes.raw_tables()["political_gbt4762"]:
        if value in (code, full, short):
            return code
    return {"党员": "01", "预备党员": "02", "团员": "03"}.get(value)


def _max_length(model, name) -> int:
    return model._meta.get_field(name).max_length


class CadreImporter(LrmxImporter):
    title = "优秀年轻干部库"
    import_roles = registry.COUNTY_ROLES

    @property
    def options_form_class(self):
        return CadreImportOptionsForm

    def existing(self, user, id_numbers, *, for_update: bool = False) -> dict:
        qs = cadre_queryset(user).filter(id_number__in=list(id_numbers))
        if for_update:
            qs = qs.select_for_update(of=("self",))
        return {c.id_number: c for c in qs}

    def outside_scope(self, user, id_numbers) -> set:
        return set(Cadre.objects.filter(id_number__in=list(id_numbers)).values_list("id_number", flat=True))

    def stored_form(self, obj, *, like: FormData | None = None) -> FormData:
        form = person_form(obj, assessment_years=None)
        if like is not None:
            # Compare only the years the file speaks of: a form shows the last three.
            mentioned = parse_assessments(like.assessments)
            stored = parse_assessments(form.assessments)
            form.assessments = render_assessments({y: stored[y] for y in mentioned if y in stored})
        return form

    def prepare(self, form: FormData, obj, *, options: dict, user, present: set[str]) -> Prepared:
        problems: list[str] = []
        notes: list[str] = []
        present = set(present)
        try:
            form.name = clean_name(form.name)
        except ValidationError as exc:
            problems.append(exc.messages[0].rstrip("。"))
        # An empty photo or health says nothing: the record keeps what it has.
        if not form.photo:
            present.discard("photo")
        if not form.health:
            present.discard("health")
            form.health = obj.health if obj is not None else Cadre._meta.get_field("health").default
        # Code tables.
        for attr, label, choices, synonyms in (
            ("ethnicity", "民族", codes.ETHNICITY, None),
            ("fulltime_education", "全日制教育学历", codes.EDUCATION, EDUCATION_SYNONYMS),
            ("fulltime_degree", "全日制教育学位", codes.DEGREE, None),
            ("inservice_education", "在职教育学历", codes.EDUCATION, EDUCATION_SYNONYMS),
            ("inservice_degree", "在职教育学位", codes.DEGREE, None),
            ("health", "健康状况", codes.HEALTH, HEALTH_SYNONYMS),
        ):
            value = getattr(form, attr)
            if attr == "ethnicity" and value and not value.endswith("族") and codes.lookup(choices, value + "族"):
                value = value + "族"
            code = _code(choices, value, synonyms)
            if code is None:
                problems.append(f"{label}“{value}”不在代码表中")
            elif code:
                setattr(form, attr, codes.label(choices, code))
        for number, member in enumerate(form.family, start=1):
            code = _political_code(member.political_status)
            if code is None:
                problems.append(f"家庭成员第 {number} 行的政治面貌“{member.political_status}”不在代码表中")
            elif code:
                member.political_status = codes.label(codes.POLITICAL_STATUS, code)
        # Lengths the records hold.
        for attr, (label, field_name) in LENGTHS.items():
            limit = _max_length(Cadre, field_name)
            if len(getattr(form, attr)) > limit:
                problems.append(f"{label}过长（最多 {limit} 字）")
        for number, line in enumerate(form.resume, start=1):
            if len(line.text) > _max_length(ResumeEntry, "text"):
                problems.append(f"简历第 {number} 条过长（最多 {_max_length(ResumeEntry, 'text')} 字）")
        for number, member in enumerate(form.family, start=1):
            for attr, field_name, label in (("relation", "relation", "称谓"), ("name", "name", "姓名"), ("work_unit_post", "work_unit_post", "工作单位及职务")):
                if len(getattr(member, attr)) > _max_length(FamilyMember, field_name):
                    problems.append(f"家庭成员第 {number} 行的{label}过长")
        # 奖惩 and 考核 as records.
        try:
            rewards = parse_rewards(form.rewards)
        except FormValueError as exc:
            problems.append(str(exc).rstrip("。"))
        else:
            if any(len(r.text) > _max_length(RewardPunishment, "text") for r in rewards):
                problems.append("奖惩情况有一条过长")
            form.rewards = render_rewards(rewards)
        try:
            form.assessments = render_assessments(parse_assessments(form.assessments))
        except FormValueError as exc:
            problems.append(str(exc).rstrip("。"))
        if obj is None and not options.get("unit"):
            problems.append("这是新建的干部，需要工作单位：请在上传时选择“新建干部的工作单位”后重新上传")
        if obj is not None and obj.name != form.name:
            notes.append(f"姓名与干部库中的“{obj.name}”不同，导入后将改为“{form.name}”。")
        return Prepared(form, present, problems, notes)

    def write(self, form: FormData, obj, *, user, options: dict, present: set[str]):
        """Create or update the cadre and replace the records that differ. An existing
        cadre changes only in the fields the file has (``present``)."""
        from cadre_portal.models import Unit

        created = obj is None
        if created:
            unit = Unit.objects.visible_to(user).get(pk=options["unit"])
            obj = Cadre(unit=unit, id_number=form.id_number, political_status="01" if form.party_join else "13")
        info = idcard.parse(form.id_number)
        values = {
            "name": form.name,
            "sex": info.sex,
            "birth_date": info.birth_date,
            "ethnicity": codes.lookup(codes.ETHNICITY, form.ethnicity) or obj.ethnicity,
            "native_place": form.native_place,
            "birth_place": form.birth_place,
            "party_join": form.party_join,
            "work_start": form.work_start,
            "health": form.health or obj.health,
            "professional_title": form.professional_title,
            "specialty": form.specialty,
            "fulltime_education": _code(codes.EDUCATION, form.fulltime_education) or "",
            "fulltime_degree": _code(codes.DEGREE, form.fulltime_degree) or "",
            "fulltime_school": form.fulltime_school,
            "fulltime_degree_school": form.fulltime_degree_school,
            "inservice_education": _code(codes.EDUCATION, form.inservice_education) or "",
            "inservice_degree": _code(codes.DEGREE, form.inservice_degree) or "",
            "inservice_school": form.inservice_school,
            "inservice_degree_school": form.inservice_degree_school,
            "current_post": form.current_post,
        }
        stored = None if created else person_form(obj, assessment_years=None)
        if not created:
            values = {name: value for name, value in values.items() if name in present or name in ("sex", "birth_date")}
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        # Months are months: an unchanged 1990.05 keeps a stored 1990-05-17.
        for name in ("party_join", "work_start"):
            old = getattr(obj, name)
            if name in changed and old and values[name] and (old.year, old.month) == (values[name].year, values[name].month):
                changed.remove(name)
        for name in changed:
            setattr(obj, name, values[name])
        obj._history_user = user
        if created:
            obj.save()
        elif changed:
            obj.save(update_fields=changed + ["updated_at", "name_initials", "name_pinyin"])
        self._write_records(obj, form, stored, user, present if not created else None)
        if form.photo and "photo" in present and (stored is None or stored.photo != form.photo):
            obj.photo.save("photo.jpg", ContentFile(form.photo), save=False)
            obj._history_user = user
            obj.save(update_fields=["photo", "updated_at"])
        return obj

    def _write_records(self, cadre: Cadre, form: FormData, stored: FormData | None, user, present: set[str] | None) -> None:
        def says(name):
            return present is None or name in present

        def replace(model, manager, rows):
            for old in manager.all():
                old._history_user = user
                old.delete()
            for row in rows:
                row._history_user = user
                row.save()

        if says("resume") and (stored is None or stored.resume != form.resume):
            replace(ResumeEntry, cadre.resume, [ResumeEntry(cadre=cadre, start=l.start, end=l.end, text=l.text) for l in form.resume])
        if says("family") and (stored is None or stored.family != form.family):
            replace(FamilyMember, cadre.family, [
                FamilyMember(cadre=cadre, relation=m.relation, name=m.name, birth_date=m.birth,
                             political_status=_political_code(m.political_status) or "", work_unit_post=m.work_unit_post,
                             sort_order=i)
                for i, m in enumerate(form.family)
            ])
        if says("rewards") and (stored is None or stored.rewards != form.rewards):
            replace(RewardPunishment, cadre.rewards, [
                RewardPunishment(cadre=cadre, date=r.date, text=r.text, recorded_by=user,
                                 kind=RewardPunishment.Kind.PUNISHMENT if any(w in r.text for w in PUNISHMENT_WORDS) else RewardPunishment.Kind.REWARD)
                for r in parse_rewards(form.rewards)
            ])
        # 年度考核: the years in the file are written; other years are kept (a form shows three).
        existing = {a.year: a for a in cadre.assessments.all()}
        for year, conclusion in (parse_assessments(form.assessments) if says("assessments") else {}).items():
            code = codes.lookup(codes.ASSESSMENT_CONCLUSION, conclusion)
            current = existing.get(year)
            if current is None:
                row = AnnualAssessment(cadre=cadre, year=year, result=code, recorded_by=user)
                row._history_user = user
                row.save()
            elif current.result != code:
                current.result = code
                current._history_user = user
                current.save(update_fields=["result"])
