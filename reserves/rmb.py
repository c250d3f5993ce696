"""The 干部任免审批表 of a reserve cadre promoted onwards (e.g. into township leadership as
one of the 五类人员): ``Candidate`` + its ``Promotion`` → ``FormData``.

Registered with ``cadre_portal.documents.registry``. The form's 拟任职务 is the
promotion; 现任职务 and the 简历 come from the person's village posts
(``Appointment``); 入党时间 from party development; 年度考核结果 lists the
reserve cycle's annual appraisals. When the same person (resident ID number) is in
the young-cadre bank and visible to the user, the bank's full record fills the
person's part instead (出生地, 学历学位, 简历, 家庭成员, 照片 …), so the form is
never emptier than what the portal knows.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse

from cadre_portal import codes
from cadre_portal.documents import registry
from cadre_portal.documents.formdata import FormData, ResumeLine
from cadre_portal.models import Region
from reserves.models import Appointment, Candidate, PartyDevelopment, Promotion


def village_post(candidate: Candidate, post: str) -> str:
    """天城镇茅井村党组织书记: the village post as written on forms."""
    village = candidate.village
    community = village.kind == Region.Kind.COMMUNITY
    text = post.replace("村（社区）", "").replace("村（居）民", "居民" if community else "村民")
    return f"{village.full_name()}{text}"


def party_join_date(candidate: Candidate):
    steps = {s.step: s.date for s in candidate.party_steps.all()}
    return steps.get(PartyDevelopment.Step.PROBATIONARY) or steps.get(PartyDevelopment.Step.FULL)


@registry.register
class PromotedReserveSource(registry.FormSource):
    key = "reserves"
    title = "村（社区）后备干部提拔使用"
    # The township proposes its people; the county files them. Leaders read.
    print_roles = ("township_officer", "county_staff", "leader", "admin")
    lrmx_roles = ("township_officer", "county_staff", "admin")
    hub_note = "在后备干部页面（已记录“后续提拔使用”的人员）上点击“任免审批表”生成。"

    def queryset(self, user):
        promoted = Promotion.objects.filter(candidate=OuterRef("pk"))
        return (
            Candidate.objects.visible_to(user)
            .filter(Exists(promoted))
            .select_related("village__parent__parent")
            .prefetch_related(
                "party_steps",
                Prefetch("appointments", queryset=Appointment.objects.order_by("appointed_on", "pk")),
                Prefetch("promotions", queryset=Promotion.objects.order_by("-date", "-pk")),
                "appraisals__grade",
            )
        )

    def label(self, obj) -> str:
        return obj.name

    def applies_to(self, obj) -> bool:
        # The person page prefetches promotions.
        return bool(obj.promotions.all())

    def detail_url(self, obj) -> str:
        return reverse("reserves:detail", args=[obj.pk])

    def occasions(self, obj) -> list[registry.Occasion]:
        items = []
        for p in obj.promotions.all():
            where = "（五类人员进入乡镇领导班子）" if p.into_township_leadership else ""
            items.append(registry.Occasion(str(p.pk), f"{p.date:%Y.%m.%d} 拟任{p.unit}{p.post}{where}"))
        return items

    def default_occasion(self, obj):
        promotions = list(obj.promotions.all())
        leading = [p for p in promotions if p.into_township_leadership]
        chosen = (leading or promotions or [None])[0]
        return str(chosen.pk) if chosen else None

    def _promotion(self, obj, key):
        for p in obj.promotions.all():
            if str(p.pk) == str(key):
                return p
        return None

    def form_data(self, obj, *, options: registry.FormOptions, user) -> FormData:
        promotion = self._promotion(obj, options.occasion) if options.occasion else None
        form = self._from_bank(obj, user) or self._from_reserve(obj, promotion)
        if promotion is not None:
            form.proposed_post = f"{promotion.unit}{promotion.post}"
        return registry.fill_appointment_defaults(
            form, options, user=user, occasion_date=promotion.date if promotion else None,
            reporting_unit=registry.county_department(obj.village),
        )

    def _from_bank(self, obj, user) -> FormData | None:
        """The young-cadre bank's record of the same person, when the user sees one."""
        bank = registry.get("youth")
        finder = getattr(bank, "person_form_for_id_number", None)
        return finder(user, obj.id_number) if finder else None

    def _from_reserve(self, obj: Candidate, promotion: Promotion | None) -> FormData:
        until = promotion.date if promotion else None
        posts = [a for a in obj.appointments.all() if until is None or a.appointed_on <= until]
        resume = []
        for index, appointment in enumerate(posts):
            following = posts[index + 1].appointed_on if index + 1 < len(posts) else None
            resume.append(ResumeLine(appointment.appointed_on.replace(day=1),
                                     following.replace(day=1) if following else None,
                                     village_post(obj, appointment.post)))
        current = village_post(obj, posts[-1].post) if posts else obj.current_occupation
        appraisals = sorted(obj.appraisals.all(), key=lambda a: a.appraised_on)
        assessments = "；".join(f"{a.appraised_on.year}年度后备干部年度综合评价{a.grade.name}" for a in appraisals)
        party = party_join_date(obj)
        return FormData(
            name=obj.name,
            sex=codes.label(codes.SEX, obj.sex),
            birth=obj.birth_date,
            ethnicity=codes.label(codes.ETHNICITY, obj.ethnicity),
            native_place=obj.native_place,
            party_join=party.replace(day=1) if party else None,
            fulltime_education=codes.label(codes.EDUCATION, obj.education),
            fulltime_degree=codes.label(codes.DEGREE, obj.degree),
            current_post=current,
            resume=resume,
            assessments=f"{assessments}。" if assessments else "",
            id_number=obj.id_number,
        )
