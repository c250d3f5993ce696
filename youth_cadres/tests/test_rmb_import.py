""".lrmx import into the young-cadre bank: upload → preview (new / changed field by field /
unchanged / error per file) → confirm all or nothing; the round trip of every sample file;
bad files refused with one Chinese message each and nothing written."""

import base64
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadre_portal import idcard
from cadre_portal.documents import lrmx
from cadre_portal.excel.models import ImportJob
from cadre_portal.models import AuditEvent, Region
from cadre_portal.testing import make_region, make_unit
from youth_cadres.models import AnnualAssessment, Cadre, FamilyMember, ResumeEntry, RewardPunishment
from youth_cadres.tests.rmb_builders import full_cadre

pytestmark = pytest.mark.django_db

SAMPLES = sorted((Path(lrmx.__file__).resolve().parent / "samples").glob("*.lrmx"))
IMPORT_URL = reverse("documents:import", args=["youth"])


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unit(tree):
    return make_unit("崇阳县天城镇人民政府", tree.township_a)


def upload(client, files, *, unit=None):
    """POST files [(name, bytes)]; returns the job (or None) and the response."""
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files]}
    if unit is not None:
        data["unit"] = unit.pk
    response = client.post(IMPORT_URL, data)
    job = ImportJob.objects.order_by("-created_at").first() if response.status_code == 302 else None
    return job, response


def statuses(job):
    return [f["status"] for f in job.preview["files"]]


def confirm(client, job):
    client.post(reverse("documents:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    return job


def sample(name):
    path = next(p for p in SAMPLES if p.name.startswith(name))
    return path.name, path.read_bytes()


# --- the happy path ----------------------------------------------------------------------------


def test_a_new_person_is_previewed_then_created_with_every_record(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    assert statuses(job) == ["new"] and Cadre.objects.count() == 0  # nothing before confirm
    confirm(client, job)
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.unit, cadre.birth_date, cadre.fulltime_education, cadre.inservice_degree) == (
        "周建华", unit, date(1988, 11, 3), "21", "343")
    assert cadre.inservice_degree_school == "华中科技大学水利工程专业" and cadre.photo
    assert ResumeEntry.objects.filter(cadre=cadre).count() == 5 and FamilyMember.objects.filter(cadre=cadre).count() == 5
    assert list(RewardPunishment.objects.filter(cadre=cadre).values_list("date", "kind")) == [
        (date(2016, 12, 1), "reward"), (date(2019, 6, 1), "reward")]
    assert dict(AnnualAssessment.objects.filter(cadre=cadre).values_list("year", "result")) == {2021: "2", 2022: "1", 2023: "2"}
    assert job.status == "done" and "新增 1 人" in job.message


def test_an_import_is_audited_and_the_history_names_who(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    confirm(client, job)
    assert AuditEvent.objects.filter(kind="import", summary__contains="导入任免表文件").exists()
    assert {h.history_user for h in Cadre.history.all()} == {personas.county_staff}
    assert {h.history_user for h in FamilyMember.history.all()} == {personas.county_staff}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_import_export_import_gives_no_changes(personas, login, unit, path):
    client = login(personas.county_staff)
    job, _ = upload(client, [(path.name, path.read_bytes())], unit=unit)
    assert confirm(client, job).status == "done", job.preview
    cadre = Cadre.objects.get()
    exported = client.get(reverse("documents:rmb_lrmx", args=["youth", cadre.pk])).content
    again, _ = upload(client, [("导出.lrmx", exported)])
    assert statuses(again) == ["unchanged"], again.preview["files"][0]["changes"]
    assert "无变化" in again.message and not again.can_confirm
    original, _ = upload(client, [(path.name, path.read_bytes())])
    assert statuses(original) == ["unchanged"], original.preview["files"][0]["changes"]


def test_a_zip_of_every_sample_creates_them_all(personas, login, unit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in SAMPLES:
            archive.writestr(path.name, path.read_bytes())
        archive.writestr("说明.txt", "这不是任免表")
    client = login(personas.county_staff)
    job, _ = upload(client, [("任免表.zip", buffer.getvalue())], unit=unit)
    assert statuses(job) == ["new"] * len(SAMPLES) and job.preview["ignored"] == ["任免表.zip › 说明.txt"]
    confirm(client, job)
    assert Cadre.objects.count() == len(SAMPLES)


def test_a_changed_field_is_shown_with_both_values_and_updated(personas, login, unit):
    cadre = full_cadre(unit)
    client = login(personas.county_staff)
    exported = client.get(reverse("documents:rmb_lrmx", args=["youth", cadre.pk]) + "?occasion=").content
    changed = exported.replace("<JianKangZhuangKuang>健康<".encode(), "<JianKangZhuangKuang>一般<".encode())
    job, _ = upload(client, [("陈志远.lrmx", changed)])
    assert statuses(job) == ["update"]
    assert job.preview["files"][0]["changes"] == [{"field": "health", "label": "健康状况", "old": "健康", "new": "一般"}]
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "健康状况" in page and "一般" in page
    confirm(client, job)
    cadre.refresh_from_db()
    assert cadre.health == "一般" and AnnualAssessment.objects.filter(cadre=cadre, year=2020).exists()  # years not in the file are kept


def test_a_person_in_the_bank_shows_as_unchanged_from_their_own_export(personas, login, unit):
    cadre = full_cadre(unit)
    client = login(personas.county_staff)
    job, _ = upload(client, [("x.lrmx", client.get(reverse("documents:rmb_lrmx", args=["youth", cadre.pk])).content)])
    assert statuses(job) == ["unchanged"]
    assert "无变化" in client.get(reverse("documents:job", args=[job.pk])).content.decode()


def test_the_files_appointment_part_is_shown_but_not_imported(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    shown = {a["label"]: a["value"] for a in job.preview["files"][0]["appointment"]}
    assert shown["拟任职务"] == "崇阳县天城镇党委副书记、镇长候选人"


# --- refused files -----------------------------------------------------------------------------


ID = idcard.make("421223", date(1990, 5, 17), 31)


def person(body="", *, id_number=ID, birth="199005"):
    return (f'<?xml version="1.0" encoding="UTF-8"?><Person><XingMing>陈志远</XingMing><XingBie>男</XingBie>'
            f"<ChuShengNianYue>{birth}</ChuShengNianYue>{body}<ShenFenZheng>{id_number}</ShenFenZheng></Person>").encode()


BAD_FILES = {
    "not_xml.lrmx": (b"PK\x03\x04 not xml at all", "不是有效的 XML"),
    "doctype.lrmx": (b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]><Person><XingMing>&x;</XingMing></Person>', "DTD"),
    "check_digit.lrmx": (person(id_number=ID[:-1] + ("1" if ID[-1] != "1" else "2")), "校验位不正确"),
    "birth.lrmx": (person(birth="199105"), "与身份证号码不符"),
    "month13.lrmx": (person("<RuDangShiJian>2023.13</RuDangShiJian>"), "月份不存在"),
    "photo10mb.lrmx": (person("<ZhaoPian>" + base64.b64encode(b"\xff\xd8" + b"\0" * (10 * 1024 * 1024)).decode() + "</ZhaoPian>"), "超过单个任免表文件的上限"),
}


def test_each_bad_file_gets_its_own_chinese_message_and_nothing_is_written(personas, login, unit):
    client = login(personas.county_staff)
    files = [(name, content) for name, (content, _m) in BAD_FILES.items()] + [sample("01")]
    job, _ = upload(client, files, unit=unit)
    by_name = {f["name"]: f for f in job.preview["files"]}
    for name, (_content, message) in BAD_FILES.items():
        assert by_name[name]["status"] == "error" and message in by_name[name]["error"], name
    assert by_name[SAMPLES[0].name]["status"] == "new"
    assert not job.can_confirm
    confirm(client, job)
    assert Cadre.objects.count() == 0 and job.status == "previewed"


def test_the_preview_page_lists_each_files_error(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [("birth.lrmx", BAD_FILES["birth.lrmx"][0])], unit=unit)
    page = client.get(reverse("documents:job", args=[job.pk])).content.decode()
    assert "出生年月 1991.05 与身份证号码不符" in page and "confirm-button" not in page


def test_a_new_person_needs_a_unit(personas, login):
    job, _ = upload(login(personas.county_staff), [sample("01")])
    assert "需要工作单位" in job.preview["files"][0]["error"]


def test_a_value_outside_the_code_tables_is_refused(personas, login, unit):
    job, _ = upload(login(personas.county_staff), [("x.lrmx", person("<QuanRiZhiJiaoYu_XueLi>私塾</QuanRiZhiJiaoYu_XueLi>"))], unit=unit)
    assert "全日制教育学历“私塾”不在代码表中" in job.preview["files"][0]["error"]


def test_a_reward_line_without_a_date_is_refused(personas, login, unit):
    job, _ = upload(login(personas.county_staff), [("x.lrmx", person("<JiangChengQingKuang>被评为先进</JiangChengQingKuang>"))], unit=unit)
    assert "奖惩情况第 1 行" in job.preview["files"][0]["error"]


def test_the_same_person_twice_is_refused_on_the_second_file(personas, login, unit):
    job, _ = upload(login(personas.county_staff), [("a.lrmx", person()), ("b.lrmx", person())], unit=unit)
    assert statuses(job) == ["new", "error"] and "与文件“a.lrmx”是同一人" in job.preview["files"][1]["error"]


def test_a_person_outside_the_scope_is_refused_without_saying_where(personas, login, unit):
    other = make_unit("通山县水利局", make_region("421224", "通山县", Region.Level.COUNTY, Region.Kind.COUNTY))
    cadre = full_cadre(other)
    client = login(personas.county_staff)
    job, _ = upload(client, [("x.lrmx", person(id_number=cadre.id_number, birth=f"{cadre.birth_date:%Y%m}"))], unit=unit)
    error = job.preview["files"][0]["error"]
    assert "不在您的管理范围内" in error and "通山" not in error


def test_nothing_but_other_files_is_refused(personas, login):
    _job, response = upload(login(personas.county_staff), [("名单.xlsx", b"PK\x03\x04")])
    assert response.status_code == 200 and "没有找到任免表文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_entry_is_refused(personas, login, unit):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.lrmx", b"<" + b" " * (3 * 1024 * 1024))
    job, _ = upload(login(personas.county_staff), [("x.zip", buffer.getvalue())], unit=unit)
    assert "压缩比异常" in job.preview["files"][0]["error"]


def test_gbk_names_inside_a_zip_are_read(personas, login, unit):
    # Zip tools on Chinese Windows write GBK names without the UTF-8 flag: build one by
    # writing a same-length ASCII name and swapping the bytes in (the CRC covers the content only).
    gbk = "周建华.lrmx".encode("gbk")
    placeholder = b"A" * (len(gbk) - 5) + b".lrmx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(placeholder.decode(), sample("01")[1])
    data = buffer.getvalue().replace(placeholder, gbk)
    job, _ = upload(login(personas.county_staff), [("x.zip", data)], unit=unit)
    assert job.preview["files"][0]["name"] == "x.zip › 周建华.lrmx"


# --- confirm, roles, jobs ----------------------------------------------------------------------------


def test_someone_entering_the_person_after_the_preview_stops_the_whole_import(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01"), sample("02")], unit=unit)
    first = lrmx.read(sample("01")[1]).form
    full_cadre(unit, id_number=first.id_number, name=first.name)
    confirm(client, job)
    assert job.status == "failed" and "已被他人录入" in job.message
    assert Cadre.objects.count() == 1  # only the one entered meanwhile


def import_folder(job) -> Path:
    """The job's folder in the filesystem import storage (its stored_dir is a storage name)."""
    from cadre_portal.excel.storage import default_location

    assert not Path(job.stored_dir).is_absolute()
    return default_location() / job.stored_dir


def test_cancel_deletes_the_upload(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    folder = import_folder(job)
    assert folder.exists()
    client.post(reverse("documents:job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "cancelled" and not folder.exists()


def test_a_confirmed_upload_leaves_no_files(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    folder = import_folder(job)
    confirm(client, job)
    assert not folder.exists()


def test_leaders_and_officers_may_not_import(personas, login):
    assert login(personas.leader).get(IMPORT_URL).status_code == 403
    assert login(personas.officer_a).get(IMPORT_URL).status_code == 403


def test_another_users_job_is_a_404(personas, login, unit):
    job, _ = upload(login(personas.county_staff), [sample("01")], unit=unit)
    assert login(personas.admin).get(reverse("documents:job", args=[job.pk])).status_code == 404


def test_confirm_is_post_only(personas, login, unit):
    client = login(personas.county_staff)
    job, _ = upload(client, [sample("01")], unit=unit)
    assert client.get(reverse("documents:job_confirm", args=[job.pk])).status_code == 405


def test_a_file_missing_elements_changes_only_what_it_has(personas, login, unit):
    cadre = full_cadre(unit)
    client = login(personas.county_staff)
    body = "<MinZu>汉族</MinZu><XianRenZhiWu>崇阳县天城镇党委副书记</XianRenZhiWu>"
    job, _ = upload(client, [("x.lrmx", person(body, id_number=cadre.id_number))])
    assert [c["label"] for c in job.preview["files"][0]["changes"]] == ["现任职务"]
    confirm(client, job)
    cadre.refresh_from_db()
    assert cadre.current_post == "崇阳县天城镇党委副书记"
    assert (cadre.resume.count(), cadre.family.count(), cadre.rewards.count(), bool(cadre.photo)) == (3, 2, 2, True)
    assert cadre.fulltime_school == "华中农业大学经济管理学院农林经济管理专业"


def test_a_name_with_other_than_han_characters_is_refused(personas, login, unit):
    body = person().replace("<XingMing>陈志远</XingMing>".encode(), "<XingMing>陈志远2</XingMing>".encode())
    job, _ = upload(login(personas.county_staff), [("x.lrmx", body)], unit=unit)
    assert "姓名中有“2”" in job.preview["files"][0]["error"]
