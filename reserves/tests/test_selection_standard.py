"""The county's published selection standard is a record; the township's inspection rates the
five aspects against it; nomination source and the ratings are required to submit."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadre_portal.models import AuditEvent
from reserves import workflow
from reserves.models import Candidate, SelectionStandard
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db
ASPECTS = ["讲政治", "重品行", "测素能", "评表现", "访口碑"]


def _standard(**fields):
    values = dict(version="2025-1", published_on=date.today() - timedelta(days=30), title="村（社区）后备干部选拔标准",
                  text="讲政治、重品行、测素能、评表现、访口碑。")
    values.update(fields)
    return SelectionStandard.objects.create(**values)


def test_county_staff_publish_a_version_with_an_attachment(personas, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(personas.county_staff)
    data = {"version": "2025-1", "published_on": date.today().isoformat(), "title": "选拔标准", "text": "",
            "attachment": SimpleUploadedFile("标准.pdf", b"%PDF-1.4 test", content_type="application/pdf")}
    assert client.post(reverse("reserves:standards"), data).status_code == 302
    standard = SelectionStandard.objects.get()
    assert standard.published_by == personas.county_staff and standard.attachment
    assert AuditEvent.objects.filter(summary__contains="发布村（社区）后备干部选拔标准").exists()
    download = login(personas.officer_a).get(reverse("reserves:standard_attachment", args=[standard.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_a_standard_needs_text_or_a_document_and_a_new_version(personas, login):
    _standard()
    client = login(personas.county_staff)
    response = client.post(reverse("reserves:standards"), {"version": "2025-2", "published_on": date.today().isoformat(),
                                                           "title": "选拔标准", "text": ""})
    assert response.status_code == 400 and "请填写标准内容或上传公告文件" in response.content.decode()
    response = client.post(reverse("reserves:standards"), {"version": "2025-1", "published_on": date.today().isoformat(),
                                                           "title": "选拔标准", "text": "x"})
    assert response.status_code == 400 and "该版本号已登记" in response.content.decode()
    assert SelectionStandard.objects.count() == 1


def test_township_officers_read_the_standard_but_cannot_publish(personas, login):
    _standard()
    client = login(personas.officer_a)
    page = client.get(reverse("reserves:standards")).content.decode()
    assert "2025-1" in page and "登记新版本" not in page
    assert client.post(reverse("reserves:standards"), {"version": "x"}).status_code == 403


def test_the_current_standard_is_the_latest_published(db):
    _standard(version="2022-1", published_on=date(2022, 3, 1))
    newest = _standard(version="2025-1", published_on=date(2025, 3, 1))
    _standard(version="2099-1", published_on=date.today() + timedelta(days=1))
    assert SelectionStandard.current() == newest


def _inspection_data(**extra):
    data = {"inspection_date": date.today().isoformat(), "inspectors": "李明", "result": "recommended", "opinion": "同意"}
    for code in ASPECTS:
        data[f"criterion_{code}_rating"] = "好"
        data[f"criterion_{code}_note"] = ""
    data.update(extra)
    return data


def test_the_inspection_form_rates_the_five_aspects_against_the_standard(personas, login):
    standard = _standard()
    c = b.draft(personas, inspected=False, criteria={})
    data = _inspection_data(standard=standard.pk, **{"criterion_评表现_rating": "较好", "criterion_评表现_note": "实干"})
    response = login(personas.officer_a).post(reverse("reserves:inspection", args=[c.pk]), data)
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.criteria["评表现"] == {"rating": "较好", "note": "实干"} and c.inspection_standard == standard


def test_the_inspection_form_refuses_a_missing_rating(personas, login):
    _standard()
    c = b.draft(personas, inspected=False, criteria={})
    data = _inspection_data(standard=SelectionStandard.objects.get().pk, **{"criterion_访口碑_rating": ""})
    response = login(personas.officer_a).post(reverse("reserves:inspection", args=[c.pk]), data)
    assert "请评定“访口碑”的等次" in response.content.decode()
    assert not Candidate.objects.get(pk=c.pk).inspection_recorded


def test_an_inspection_cannot_predate_its_standard(personas):
    standard = _standard(published_on=date.today())
    c = b.draft(personas, inspected=False)
    with pytest.raises(WorkflowError, match="早于所依据选拔标准的公告日期"):
        workflow.record_inspection(candidate=c, by=personas.officer_a, inspection_date=date.today() - timedelta(days=1),
                                   inspectors="李明", result="recommended", opinion="同意", standard=standard)


def test_submission_needs_every_rating(personas):
    c = b.draft(personas, criteria={"讲政治": {"rating": "好", "note": ""}})
    problems = workflow.submit_blockers(c)
    assert "考察测评尚未评定“重品行”的等次。" in problems
    with pytest.raises(WorkflowError, match="重品行"):
        workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="单人")


def test_submission_needs_the_nomination_source(personas):
    c = b.draft(personas, nomination_source="")
    assert "尚未填写推荐方式。" in workflow.submit_blockers(c)
    with pytest.raises(WorkflowError, match="推荐方式"):
        workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="单人")
    assert Candidate.objects.get(pk=c.pk).stage == Candidate.Stage.DRAFT
