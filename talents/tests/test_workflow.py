"""Status moves: the table, the dates, one change row per move, who may move."""

from datetime import date, timedelta

import pytest

from talents import workflow
from talents.models import Talent
from talents.tests import builders as b
from talents.workflow import AlreadyHandled, WorkflowError

pytestmark = pytest.mark.django_db
TODAY = date.today()


def test_a_talent_who_leaves_is_lost_with_date_reason_and_a_change_row(personas):
    t = b.talent(personas, "medical")
    row = workflow.change_talent_status(talent_pk=t.pk, action="lose", on=TODAY, reason="考取外地编制", by=personas.medical_officer)
    t.refresh_from_db()
    assert (t.status, t.status_date) == (Talent.Status.LOST, TODAY)
    assert (row.from_status, row.to_status, row.reason, row.by) == ("on_post", "lost", "考取外地编制", personas.medical_officer)


def test_losing_a_talent_needs_a_reason(personas):
    t = b.talent(personas, "medical")
    with pytest.raises(WorkflowError, match="请填写“流失”的说明"):
        workflow.change_talent_status(talent_pk=t.pk, action="lose", on=TODAY, reason=" ", by=personas.medical_officer)


def test_a_move_not_in_the_table_is_refused(personas):
    t = b.talent(personas, "medical")
    workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY, by=personas.medical_officer)
    with pytest.raises(WorkflowError, match="当前状态为“退休”，不能办理“调出”"):
        workflow.change_talent_status(talent_pk=t.pk, action="transfer_out", on=TODAY, by=personas.medical_officer)


def test_the_same_move_twice_says_it_was_already_handled(personas):
    t = b.talent(personas, "medical")
    workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY, by=personas.medical_officer)
    with pytest.raises(AlreadyHandled):
        workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY, by=personas.medical_officer)


def test_a_move_dated_in_the_future_is_refused(personas):
    t = b.talent(personas, "medical")
    with pytest.raises(WorkflowError, match="不能晚于今天"):
        workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY + timedelta(days=1), by=personas.medical_officer)


def test_a_move_dated_before_the_recruitment_is_refused(personas):
    t = b.recruited(personas, on=date(2024, 3, 1))
    with pytest.raises(WorkflowError, match="不能早于"):
        workflow.change_talent_status(talent_pk=t.pk, action="retire", on=date(2024, 1, 1), by=personas.medical_officer)


def test_a_lost_talent_who_comes_back_is_on_post_again(personas):
    t = b.talent(personas, "medical")
    workflow.change_talent_status(talent_pk=t.pk, action="lose", on=TODAY - timedelta(days=30), reason="外出", by=personas.medical_officer)
    workflow.change_talent_status(talent_pk=t.pk, action="return", on=TODAY, reason="回流", by=personas.medical_officer)
    t.refresh_from_db()
    assert t.status == Talent.Status.ON_POST
    assert [r.to_status for r in t.status_changes.all()] == ["on_post", "lost", "on_post"]


def test_another_domains_officer_gets_not_found(personas):
    t = b.talent(personas, "medical")
    with pytest.raises(WorkflowError, match="不存在或不在您的管辖范围内"):
        workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY, by=personas.domain_officer)


@pytest.mark.parametrize("who", ["county_staff", "leader"])
def test_county_roles_read_but_do_not_move(personas, who):
    t = b.talent(personas, "medical")
    with pytest.raises(WorkflowError):
        workflow.change_talent_status(talent_pk=t.pk, action="retire", on=TODAY, by=getattr(personas, who))
    t.refresh_from_db()
    assert t.status == Talent.Status.ON_POST


def test_the_buttons_are_the_allowed_moves_for_the_writer_only(personas):
    t = b.talent(personas, "medical")
    assert [k for k, _m in workflow.talent_moves(t, personas.medical_officer)] == ["transfer_out", "retire", "lose"]
    assert workflow.talent_moves(t, personas.county_staff) == []


def test_a_platform_is_dissolved_with_a_reason(personas):
    p = b.platform(personas, "medical", "doctor_studio", established_on=date(2020, 1, 1))
    workflow.change_platform_status(platform_pk=p.pk, action="dissolve", on=TODAY, reason="领衔人退休", by=personas.medical_officer)
    p.refresh_from_db()
    assert p.status == "dissolved" and p.status_changes.last().reason == "领衔人退休"


def test_a_platform_cannot_change_before_it_was_established(personas):
    p = b.platform(personas, "medical", "doctor_studio", established_on=date(2020, 1, 1))
    with pytest.raises(WorkflowError, match="不能早于"):
        workflow.change_platform_status(platform_pk=p.pk, action="dissolve", on=date(2019, 1, 1), reason="x", by=personas.medical_officer)


def test_an_organization_moves_into_regular_management(personas):
    org = b.organization(personas)
    workflow.change_org_state(organization_pk=org.pk, action="regulate", on=TODAY, by=personas.culture_officer)
    org.refresh_from_db()
    assert org.state == "regulated"
    assert [c.to_state for c in org.state_changes.all()] == ["registered", "regulated"]
