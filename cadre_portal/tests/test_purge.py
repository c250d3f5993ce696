"""No silent destruction: deleting in the admin is an administrator's explicit, audited
purge that names the records and counts everything it removes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from cadre_portal import purge
from cadre_portal.models import AuditEvent
from reserves.models import Candidate, Transition
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(personas):
    c = b.training(personas, personas.tree.village_a1, start=date.today() - timedelta(days=30), name="张三")
    b.give_hours(personas, c, 8, day=date.today())
    return c


def _delete_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def test_every_admin_of_the_portal_apps_deletes_only_by_audited_purge():
    escaped = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in purge.PROJECT_APPS and not isinstance(model_admin, purge.AuditedPurgeMixin)
    ]
    assert escaped == []
    assert Candidate in admin.site._registry


def test_staff_who_are_not_administrators_cannot_delete_in_the_admin(personas, trainee, login):
    from django.contrib.auth.models import Permission

    staff = personas.county_staff
    staff.is_staff = True  # even with Django's delete permission, the portal role decides
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="reserves"))
    client = login(staff)
    assert client.get(_delete_url(trainee)).status_code == 403
    assert client.post(_delete_url(trainee), {"post": "yes"}).status_code == 403
    assert Candidate.objects.filter(pk=trainee.pk).exists()


def test_the_confirmation_page_shows_what_the_purge_removes(personas, trainee, login):
    response = login(personas.admin).get(_delete_url(trainee))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张三" in page
    assert "培训出勤" in page  # the cascade is listed before anything is removed


def test_an_administrators_purge_is_audited_with_names_and_counts(personas, trainee, login):
    transitions = Transition.objects.filter(candidate=trainee).count()
    response = login(personas.admin).post(_delete_url(trainee), {"post": "yes"})
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=trainee.pk).exists()
    entry = AuditEvent.objects.get(kind=AuditEvent.Kind.PURGE)
    assert entry.username == "admin"
    assert entry.detail["names"] == [str(trainee)]
    assert entry.detail["counts"][str(Candidate._meta.verbose_name_plural)] == 1
    assert entry.detail["counts"]["培训出勤"] == 1
    assert entry.detail["counts"][str(Transition._meta.verbose_name_plural)] == transitions
    assert "彻底删除" in entry.summary and "张三" in entry.summary and "培训出勤 1 条" in entry.summary


def test_the_bulk_action_is_labelled_as_a_purge_and_audited(personas, trainee, login):
    other = b.training(personas, personas.tree.village_a2, start=date.today() - timedelta(days=30), name="李四")
    client = login(personas.admin)
    url = reverse("admin:reserves_candidate_changelist")
    page = client.get(url).content.decode()
    assert "彻底删除所选村（社区）后备干部（仅限系统管理员，记入审计日志）" in page
    data = {"action": "delete_selected", "_selected_action": [trainee.pk, other.pk]}
    confirm = client.post(url, data)
    assert confirm.status_code == 200 and "李四" in confirm.content.decode()  # asks first
    assert Candidate.objects.filter(pk__in=[trainee.pk, other.pk]).count() == 2
    client.post(url, {**data, "post": "yes"})
    assert not Candidate.objects.filter(pk__in=[trainee.pk, other.pk]).exists()
    entry = AuditEvent.objects.get(kind=AuditEvent.Kind.PURGE)
    assert sorted(entry.detail["names"]) == sorted([str(trainee), str(other)])
    assert entry.detail["count"] == 2


def test_a_purge_that_fails_leaves_no_audit_entry_and_nothing_removed(personas, trainee, login, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("django.db.models.deletion.Collector.delete", boom)
    with pytest.raises(RuntimeError):
        login(personas.admin).post(_delete_url(trainee), {"post": "yes"})
    assert Candidate.objects.filter(pk=trainee.pk).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PURGE).exists()


def test_unticking_attendance_names_and_counts_who_lost_it_in_the_audit(personas, trainee):
    from reserves import workflow
    from reserves.models import TrainingSession

    session = TrainingSession.objects.get(attendances__candidate=trainee)
    workflow.record_attendance(session=session, candidates=[], by=personas.county_staff, replace=True)
    assert not trainee.attendances.exists()
    entry = AuditEvent.objects.filter(summary__startswith="登记培训出勤").latest("pk")
    assert entry.detail["removed_count"] == 1 and entry.detail["removed_names"] == ["张三"]
    assert "取消 1 人：张三" in entry.summary
