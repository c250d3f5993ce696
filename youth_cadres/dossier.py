"""The growth dossier (一人一档): everything recorded about one cadre, in the dossier's
categories (学习情况、政治表现、工作实绩、奖惩情况、廉政情况), for the cadre page and
its print view.

Every record kind is fetched through its own ``visible_to(user)`` (so a unit contact
never sees the integrity records), one query per kind whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from cadre_portal import identity
from youth_cadres import sections
from youth_cadres.models import (
    DOSSIER_CATEGORIES,
    AnnualAssessment,
    Appointment,
    BankEntry,
    BankTarget,
    BankTransition,
    CareerMilestone,
    CareerPlan,
    CareerReview,
    ConductNote,
    DossierAttachment,
    FamilyMember,
    IntegrityCheck,
    PerformanceCheck,
    PostHolding,
    ResumeEntry,
    RewardPunishment,
    StudyRecord,
    SupervisionOpinion,
    TrainingRecord,
    WorkLogEntry,
)

WORK_LOG_ON_PAGE = 20  # the page shows the latest entries; the work-log list and the print view all


@dataclass
class Dossier:
    cadre: object
    resume: list
    family: list
    entries: list  # bank entries, newest first, with transitions and targets
    holdings: list
    appointments: list
    training: list
    study: list
    conduct: list
    work_log: list
    work_log_total: int
    performance: list
    rewards: list
    assessments: list
    supervision: list
    integrity: list
    attachments: list
    plan: object | None
    elsewhere: list
    extra_sections: list = field(default_factory=list)
    today: date = field(default_factory=date.today)

    @property
    def open_entry(self):
        return next((e for e in self.entries if e.is_open), None)

    @property
    def latest_entry(self):
        return self.entries[0] if self.entries else None

    @property
    def current_holdings(self):
        return [h for h in self.holdings if h.end is None]

    def attachments_in(self, category: str) -> list:
        return [a for a in self.attachments if a.category == category]

    @property
    def categories(self):
        return DOSSIER_CATEGORIES


def _mine(model, user, cadre):
    return model.objects.visible_to(user).filter(cadre=cadre)


def assemble(cadre, user, *, full: bool = False, printing: bool = False) -> Dossier:
    """The dossier of ``cadre`` (already fetched through ``visible_to(user)``).
    ``full`` includes the whole work log (the print view)."""
    entries = list(
        BankEntry.objects.visible_to(user).filter(cadre=cadre).order_by("-recommended_on", "-pk").prefetch_related(
            Prefetch("transitions", queryset=BankTransition.objects.select_related("by").order_by("at", "pk")),
            Prefetch("targets", queryset=BankTarget.objects.select_related("post__unit").order_by("post__unit__sort_order", "post__sort_order")),
        )
    )
    work_log_qs = _mine(WorkLogEntry, user, cadre).select_related("written_by").order_by("-date", "-pk")
    work_log = list(work_log_qs) if full else list(work_log_qs[:WORK_LOG_ON_PAGE])
    total = len(work_log) if full else work_log_qs.count()
    plan = (
        CareerPlan.objects.visible_to(user).filter(cadre=cadre).prefetch_related(
            Prefetch("milestones", queryset=CareerMilestone.objects.order_by("due", "pk")),
            Prefetch("reviews", queryset=CareerReview.objects.select_related("by").order_by("-reviewed_on", "-pk")),
        ).first()
    )
    return Dossier(
        cadre=cadre,
        resume=list(_mine(ResumeEntry, user, cadre).order_by("start", "pk")),
        family=list(_mine(FamilyMember, user, cadre).order_by("sort_order", "pk")),
        entries=entries,
        holdings=list(PostHolding.objects.visible_to(user).filter(cadre=cadre).select_related("post__unit").order_by("-start", "-pk")),
        appointments=list(_mine(Appointment, user, cadre).select_related("post__unit", "round", "previous_unit").order_by("-appointed_on", "-pk")),
        training=list(_mine(TrainingRecord, user, cadre).select_related("plan_item__plan", "recorded_by").order_by("-start", "-pk")),
        study=list(_mine(StudyRecord, user, cadre).select_related("recorded_by").order_by("-date", "-pk")),
        conduct=list(_mine(ConductNote, user, cadre).select_related("recorded_by").order_by("-date", "-pk")),
        work_log=work_log,
        work_log_total=total,
        performance=list(_mine(PerformanceCheck, user, cadre).select_related("recorded_by").order_by("-checked_on", "-pk")),
        rewards=list(_mine(RewardPunishment, user, cadre).order_by("date", "pk")),
        assessments=list(_mine(AnnualAssessment, user, cadre).order_by("year")),
        supervision=list(_mine(SupervisionOpinion, user, cadre).select_related("recorded_by").order_by("-date", "-pk")),
        integrity=list(_mine(IntegrityCheck, user, cadre).select_related("recorded_by").order_by("-date", "-pk")),
        attachments=list(_mine(DossierAttachment, user, cadre).select_related("uploaded_by").order_by("category", "-uploaded_at", "-pk")),
        plan=plan,
        elsewhere=identity.records_elsewhere(cadre.id_number, user, exclude=cadre),
        extra_sections=sections.sections_for(cadre, user, printing=printing),
    )


def sees_integrity(user) -> bool:
    """Whether the viewer's scope includes the integrity records at all (the models name no
    unit field, so a unit contact's scope never does)."""
    return getattr(SupervisionOpinion, "scope_unit_field", None) is not None or not user.is_unit_contact
