"""The measures registry: a good file creates measures through the workflow, a bad row
(an allowance lowered without a reason) refuses the whole file in Chinese, an existing
measure's amounts cannot be changed by import, and only county staff import."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from youth_cadres.retention import codes, workflow
from youth_cadres.retention.models import Measure

pytestmark = pytest.mark.django_db
HEADER = ["措施名称", "诉求类别", "实施日期", "调整前金额（元/月）", "调整后金额（元/月）", "调低的理由", "措施内容"]
DAY = (date.today() - timedelta(days=20)).isoformat()


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")


def _import(login, user, rows, tmp_path):
    client = login(user)
    path = files.write_xlsx(tmp_path / "measures.xlsx", [HEADER, *rows])
    with open(path, "rb") as fh:
        response = client.post(reverse("excel:import", args=["retention_measures"]), {"file": fh}, follow=True)
    return client, response, ImportJob.objects.filter(owner=user).order_by("-created_at").first()


def test_county_staff_import_an_allowance_measure(login, personas, tmp_path):
    client, _r, job = _import(login, personas.county_staff, [["提高乡镇工作补贴", "工作补贴", DAY, "300", "500", "", "县委常委会研究决定"]], tmp_path)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)
    m = Measure.objects.get()
    assert (m.amount_before, m.amount_after, m.category.code, m.created_by) == (300, 500, codes.ALLOWANCE, personas.county_staff)


def test_a_lowered_allowance_without_a_reason_refuses_the_whole_file(login, personas, tmp_path):
    _c, _r, job = _import(login, personas.county_staff, [
        ["新建周转房", "住房", DAY, "", "", "", ""],
        ["调整补贴", "工作补贴", DAY, "500", "400", "", ""],
    ], tmp_path)
    assert job.error_rows == 1
    assert "请说明理由" in str(job.errors)
    assert not Measure.objects.exists()


def test_an_existing_measures_amounts_cannot_be_changed_by_import(login, personas, tmp_path):
    workflow.create_measure(by=personas.county_staff, title="提高乡镇工作补贴", category=codes.item(codes.ALLOWANCE),
                            effective_on=date.fromisoformat(DAY), amount_before=300, amount_after=500)
    _c, _r, job = _import(login, personas.county_staff, [["提高乡镇工作补贴", "工作补贴", DAY, "300", "600", "", ""]], tmp_path)
    assert job.error_rows == 1 and "不能通过导入修改" in str(job.errors)


def test_a_leader_cannot_import_measures(login, personas, tmp_path):
    _c, response, job = _import(login, personas.leader, [["新建周转房", "住房", DAY, "", "", "", ""]], tmp_path)
    assert job is None and not Measure.objects.exists()
