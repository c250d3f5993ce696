"""Messages about where a person stands read as sentences (issue 14 item 8).

Stage labels are list headings ("储备库", "培养中", "草稿（乡镇填报中）"); a message built as
"该人员当前为“储备库”" or "该人员已培养中" does not read. Every message names the stage through
``Candidate.where`` (one predicate per stage), and these tests pin what a township officer reads."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cadre_portal.excel.tests import files
from reserves import services, workflow
from reserves.models import Candidate, TrainingSession
from reserves.tests import builders
from reserves.tests.test_import_export import ATTENDANCE_HEADER, HEADER, last_job, upload
from youth_cadres.models import BankEntry

S = Candidate.Stage


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")


def test_every_stage_and_bank_status_has_a_sentence():
    assert set(Candidate.STAGE_PHRASES) == set(S.values)
    assert set(BankEntry.STATUS_PHRASES) == set(BankEntry.Status.values)


@pytest.mark.parametrize("stage", S.values)
def test_no_sentence_quotes_a_stage_label(stage):
    sentence = Candidate.where(stage)
    assert sentence.startswith("该人员") and "“" not in sentence and "当前为" not in sentence


@pytest.mark.parametrize("build, expected", [
    (builders.pooled, "该人员已进入储备库，不在培养期，不能登记出勤。"),
    (builders.draft, "该人员还在乡镇填报中（草稿），不在培养期，不能登记出勤。"),
    (builders.appointed, "该人员已被任用，不在培养期，不能登记出勤。"),
])
def test_attendance_for_someone_not_in_training_says_where_they_are(personas, login, tmp_path, build, expected):
    person = build(personas)
    session = TrainingSession.objects.create(date=date.today() - timedelta(days=3), topic="党史学习", hours=Decimal("4"))
    path = files.write_xlsx(tmp_path / "a.xlsx", [ATTENDANCE_HEADER, [f"{session.date:%Y-%m-%d}", "党史学习", person.name, person.id_number]])
    upload(login(personas.officer_a), "reserve_attendance", path)
    assert last_job(personas.officer_a).errors == [{"row": 2, "column": "身份证号码", "message": expected}]


def test_a_changed_nomination_of_someone_in_the_pool_says_they_are_in_the_pool(personas, login, tmp_path):
    person = builders.pooled(personas)
    row = [person.name, person.id_number, "", "汉族", "中共党员", "研究生", person.village.name, "", "", "新职业"]
    upload(login(personas.officer_a), "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, row]))
    assert last_job(personas.officer_a).errors[0]["message"] == "该人员已进入储备库，不能通过导入修改；如需更正请联系县委组织部。"


def test_a_workflow_refusal_names_the_stage_as_a_sentence(personas):
    person = builders.pooled(personas)
    with pytest.raises(workflow.WorkflowError, match="^该人员已进入储备库，不能办理“"):
        workflow.return_nomination(candidate=person, by=personas.county_staff, reason="材料不全")


def test_a_record_refused_for_the_stage_says_where_the_person_is(personas):
    person = builders.appointed(personas)
    key = next(iter(services.RECORD_KINDS))
    with pytest.raises(workflow.WorkflowError, match="^该人员已被任用，"):
        services.check_record(person, personas.officer_a, key)
