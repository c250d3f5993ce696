"""Home-page panels of the young-cadre bank (registered in YouthCadresConfig.ready)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q

from youth_cadres import cohorts, due
from youth_cadres.models import MIN_CANDIDATES, Appointment, BankEntry, CareerPlan, Cadre, Post, WorkLogEntry


def county_todo(user):
    """County staff: posts short of candidates, dossier items due, career-plan reviews due."""
    today = date.today()
    posts = Post.objects.visible_to(user)
    short = posts.short_of_candidates()
    plans = CareerPlan.objects.visible_to(user)
    in_bank = BankEntry.objects.visible_to(user).in_bank()
    return {
        "posts_total": posts.count(),
        "short_total": short.count(),
        "short_posts": list(short.select_related("unit").order_by("candidate_count", "unit__sort_order", "sort_order")[:6]),
        "minimum": MIN_CANDIDATES,
        "due": due.counts(in_bank, today),
        "reviews_overdue": plans.review_overdue(today).count(),
        "reviews_due": plans.review_due(today, within_days=30).count(),
        "review_list": list(plans.review_due(today, within_days=30).select_related("cadre").order_by("next_review_due")[:6]),
        "pending": BankEntry.objects.visible_to(user).filter(status__in=[BankEntry.Status.RECOMMENDED, BankEntry.Status.INSPECTING]).count(),
        "today": today,
    }


def leader_summary(user):
    """Leaders: the bank by cohort and what was appointed from it this year."""
    today = date.today()
    rows = dict(
        BankEntry.objects.visible_to(user).in_bank().with_cohort(today).order_by().values("cohort_key")
        .annotate(n=Count("pk")).values_list("cohort_key", "n")
    )
    return {
        "cohorts": [{"rule": r, "n": rows.get(r.key, 0)} for r in cohorts.RULES],
        "total": sum(rows.values()),
        "appointed": Appointment.objects.visible_to(user).from_bank().between(date(today.year, 1, 1), today).count(),
        "short": Post.objects.visible_to(user).short_of_candidates().count(),
        "year": today.year,
    }


def unit_contact_home(user):
    """A unit contact: their unit's cadres and this month's work log."""
    today = date.today()
    cadres = Cadre.objects.visible_to(user)
    log = WorkLogEntry.objects.visible_to(user)
    month_start = today.replace(day=1)
    stale = (
        BankEntry.objects.visible_to(user).in_bank().filter(due.BY_KEY["work_log"].condition(today))
        .select_related("cadre").order_by("cadre__name")
    )
    return {
        "unit": user.unit,
        "cadres": cadres.count(),
        "in_bank": BankEntry.objects.visible_to(user).in_bank().count(),
        "month_entries": log.filter(date__gte=month_start).count(),
        "recent": list(log.select_related("cadre").order_by("-date", "-pk")[:5]),
        "stale": list(stale[:8]),
    }
