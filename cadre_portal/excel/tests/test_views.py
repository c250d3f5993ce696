"""The generic import/export path, through the views, on the shared registries."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.services import cleanup_expired
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.models import AuditEvent, Unit, User

UNIT_HEADER = ["单位名称", "单位性质", "所在区划", "所属领域", "统一社会信用代码", "排序"]


def upload(client, key, path, **extra):
    with open(path, "rb") as fh:
        return client.post(reverse("excel:import", args=[key]), {"file": fh, **extra}, follow=True)


def job_of(user):
    return ImportJob.objects.filter(owner=user).latest("created_at")


def units_file(tmp_path, rows, name="units.xlsx", **kw):
    return files.write_xlsx(tmp_path / name, [UNIT_HEADER, *rows], **kw)


@pytest.fixture
def admin_client(personas, login):
    return login(personas.admin)


def test_upload_preview_confirm_creates_units_and_deletes_the_file(personas, admin_client, tmp_path, excel_storage):
    path = units_file(tmp_path, [["县教育局", "党政机关", "崇阳县", "教育", "", 1], ["天城镇政府", "party_gov", "天城镇", "", "", 2]])
    response = upload(admin_client, "units", path)
    job = job_of(personas.admin)
    assert (job.status, job.new_rows, job.error_rows) == ("previewed", 2, 0)
    assert "确认导入" in response.content.decode()
    assert Unit.objects.count() == 0
    admin_client.post(reverse("excel:job_confirm", args=[job.pk]))
    assert set(Unit.objects.values_list("name", "region__name")) == {("县教育局", "崇阳县"), ("天城镇政府", "天城镇")}
    assert stored_files(excel_storage) == []
    event = AuditEvent.objects.filter(kind="import").latest("created_at")
    assert event.detail["created"] == 2 and event.detail["file"] == "units.xlsx"


def test_one_bad_row_writes_nothing_and_names_row_column_and_reason(personas, admin_client, tmp_path):
    path = units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"], ["县卫健局", "外星机构", "崇阳县"]], title="单位名录")
    response = upload(admin_client, "units", path)
    job = job_of(personas.admin)
    assert job.errors == [{"row": 4, "column": "单位性质", "message": "“外星机构”不是有效的单位性质，请从下拉列表中选择（可填名称或代码）。"}]
    assert "第 4 行" in response.content.decode()
    confirm = admin_client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)
    assert "不能导入" in confirm.content.decode()
    assert Unit.objects.count() == 0


def test_duplicates_within_the_file_are_reported_per_row(personas, admin_client, tmp_path):
    path = units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"], [" 县教育局\u3000", "党政机关", "421223"]])
    upload(admin_client, "units", path)
    job = job_of(personas.admin)
    assert job.errors[0]["row"] == 3 and "与第 2 行重复" in job.errors[0]["message"]


def test_existing_records_are_updated_or_unchanged_and_a_pk_column_is_ignored(personas, admin_client, tmp_path):
    tree = personas.tree
    kept = Unit.objects.create(name="县教育局", kind="party_gov", region=tree.county, sort_order=1)
    other = Unit.objects.create(name="县卫健局", kind="party_gov", region=tree.county, sort_order=2)
    path = files.write_xlsx(tmp_path / "u.xlsx", [
        ["ID", *UNIT_HEADER], [other.pk, "县教育局", "党政机关", "崇阳县", "", "", 1], [kept.pk, "县卫健局", "事业单位", "崇阳县", "", "", 2],
    ])
    upload(admin_client, "units", path)
    job = job_of(personas.admin)
    assert (job.new_rows, job.updated_rows, job.unchanged_rows) == (0, 1, 1)
    assert "ID" in job.preview["ignored_headers"]
    admin_client.post(reverse("excel:job_confirm", args=[job.pk]))
    assert Unit.objects.get(pk=other.pk).kind == "institution"
    assert Unit.objects.get(pk=kept.pk).kind == "party_gov"


def test_another_user_cannot_see_confirm_or_cancel_my_upload(personas, login, admin_client, tmp_path):
    upload(admin_client, "units", units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"]]))
    job = job_of(personas.admin)
    personas.officer_a.is_superuser = False
    stranger = login(User.objects.create_user("admin2", password="x-Test-pass-1", role="admin", region=personas.tree.county))
    assert stranger.get(reverse("excel:job", args=[job.pk])).status_code == 404
    assert stranger.post(reverse("excel:job_confirm", args=[job.pk])).status_code == 404
    assert stranger.post(reverse("excel:job_cancel", args=[job.pk])).status_code == 404
    assert Unit.objects.count() == 0


def test_cancel_deletes_the_upload(personas, admin_client, tmp_path, excel_storage):
    upload(admin_client, "units", units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"]]))
    job = job_of(personas.admin)
    assert stored_files(excel_storage)
    admin_client.post(reverse("excel:job_cancel", args=[job.pk]))
    assert stored_files(excel_storage) == []
    assert ImportJob.objects.get(pk=job.pk).status == "cancelled"


def test_expired_uploads_are_cleaned_up(personas, admin_client, tmp_path, excel_storage):
    from datetime import timedelta

    from django.utils import timezone

    upload(admin_client, "units", units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"]]))
    ImportJob.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    cleanup_expired()
    assert stored_files(excel_storage) == []
    assert ImportJob.objects.get().status == "expired"


HOSTILE = [
    (files.forged_dimension, "超过单次导入上限"),
    (files.far_away_cell, "超过单次导入上限"),
    (files.billion_laughs, "XML 实体声明"),
    (files.external_entity, "XML 实体声明"),
    (lambda p: files.zip_bomb(p, megabytes=256), "压缩炸弹"),
    (files.encrypted_xlsx, "密码"),
    (files.renamed_pdf, "不是 Excel 工作簿"),
]


@pytest.mark.parametrize("build, message", HOSTILE, ids=lambda v: getattr(v, "__name__", None) or str(v)[:8])
def test_hostile_uploads_are_refused_with_a_message_and_leave_nothing(personas, admin_client, tmp_path, excel_storage, build, message):
    path = build(tmp_path / "hostile.xlsx")
    response = upload(admin_client, "units", path)
    assert message in response.content.decode()
    assert Unit.objects.count() == 0
    assert not ImportJob.objects.exists()
    assert stored_files(excel_storage) == []
    assert message in AuditEvent.objects.filter(kind="import").latest("created_at").detail["refused"]


def test_a_file_too_large_is_refused_before_it_is_stored(personas, admin_client, tmp_path, settings, excel_storage):
    settings.EXCEL_MAX_UPLOAD_BYTES = 2000
    path = units_file(tmp_path, [[f"单位{i}", "党政机关", "崇阳县"] for i in range(300)])
    response = upload(admin_client, "units", path)
    assert "超过上限" in response.content.decode()
    assert stored_files(excel_storage) == []


def test_the_import_page_states_the_size_limit(admin_client):
    assert "20 MB" in admin_client.get(reverse("excel:import", args=["units"])).content.decode()


# --- permissions -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "officer_a", "county_staff", "domain_officer"])
def test_only_administrators_import_units_and_users(personas, login, who):
    client = login(getattr(personas, who))
    for key in ("units", "users", "regions"):
        assert client.get(reverse("excel:import", args=[key])).status_code == 403
        assert client.get(reverse("excel:template", args=[key])).status_code == 403


def test_users_export_is_for_administrators_only(personas, login):
    assert login(personas.county_staff).get(reverse("excel:export", args=["users"])).status_code == 403
    assert login(personas.leader).get(reverse("excel:export", args=["users"])).status_code == 403
    assert login(personas.admin).get(reverse("excel:export", args=["users"])).status_code == 200


def test_the_index_lists_only_what_the_role_may_use(personas, login):
    page = login(personas.officer_a).get(reverse("excel:index")).content.decode()
    assert reverse("excel:export", args=["units"]) in page
    assert reverse("excel:export", args=["users"]) not in page
    assert reverse("excel:import", args=["units"]) not in page


# --- export ---------------------------------------------------------------------------


def read_export(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return wb.worksheets[0]


def test_export_neutralises_formulas_and_keeps_numbers_typed(personas, admin_client):
    tree = personas.tree
    for i, name in enumerate(["=1+1", "==1+1", '=HYPERLINK("http://evil","点我")', "+86", "-5", "@SUM(A1)", "\t=1", "正常单位"]):
        Unit.objects.create(name=name, kind="party_gov", region=tree.county, sort_order=i + 1)
    sheet = read_export(admin_client.get(reverse("excel:export", args=["units"])))
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    # As typed (no apostrophe in the value), string cells, quote-prefixed and text-formatted:
    # shown as typed, never evaluated, and still text when a user edits them.
    assert [c.value for c in cells[:7]] == ["=1+1", "==1+1", '=HYPERLINK("http://evil","点我")', "+86", "-5", "@SUM(A1)", "\t=1"]
    for cell in cells[:7]:
        assert (cell.data_type, cell.quotePrefix, cell.number_format) == ("s", True, "@"), cell.value
    assert (cells[7].value, cells[7].data_type, cells[7].quotePrefix) == ("正常单位", "s", False)
    assert isinstance(sheet.cell(row=2, column=6).value, (int, float))


def test_export_runs_a_fixed_number_of_queries(personas, admin_client, django_assert_max_num_queries):
    tree = personas.tree
    Unit.objects.bulk_create([Unit(name=f"单位{i}", kind="party_gov", region=tree.village_a1, sort_order=i) for i in range(300)])
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("excel:export", args=["units"]))
        sheet = read_export(response)
    assert sheet.max_row == 301


def test_export_follows_the_list_filters_and_the_scope(personas, login):
    tree = personas.tree
    Unit.objects.create(name="天城镇学校", kind="institution", region=tree.village_a1)
    Unit.objects.create(name="天城镇政府", kind="party_gov", region=tree.township_a)
    Unit.objects.create(name="沙坪镇学校", kind="institution", region=tree.village_b1)
    sheet = read_export(login(personas.officer_a).get(reverse("excel:export", args=["units"]) + "?kind=institution"))
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == ["天城镇学校"]
    assert AuditEvent.objects.filter(kind="export", detail__rows=1).exists()


def test_units_round_trip_without_changes(personas, admin_client, tmp_path):
    tree = personas.tree
    Unit.objects.create(name="县教育局", kind="party_gov", region=tree.county, domain="education", credit_code="11421223MB1234567X", sort_order=1)
    Unit.objects.create(name="茅井村委会", kind="village_org", region=tree.village_a1, sort_order=2)
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(admin_client.get(reverse("excel:export", args=["units"])).streaming_content))
    upload(admin_client, "units", exported)
    job = job_of(personas.admin)
    assert (job.new_rows, job.updated_rows, job.unchanged_rows, job.error_rows) == (0, 0, 2, 0)


def test_the_template_has_notes_dropdowns_and_text_columns(personas, admin_client):
    response = admin_client.get(reverse("excel:template", args=["users"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[:2] == ["用户", "填写说明"]
    sheet = wb["用户"]
    assert [c.value for c in sheet[1]] == ["用户名", "姓名", "角色", "数据范围", "行业领域", "手机号码", "职务", "是否启用"]
    sources = {str(dv.sqref)[:1]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert "C" in sources and "D" in sources
    assert wb["代码表"].sheet_state == "hidden"


def test_users_import_never_sets_passwords_or_superuser(personas, admin_client, tmp_path):
    User.objects.create_superuser("root2", password="x-Test-pass-1", role="admin", region=personas.tree.county)
    path = files.write_xlsx(tmp_path / "users.xlsx", [
        ["用户名", "姓名", "角色", "数据范围", "是否启用", "密码", "is_superuser"],
        ["officer_c", "新组织委员", "乡镇组织委员", "天城镇", "是", "123456", "1"],
        ["admin", "改超级管理员", "系统管理员", "崇阳县", "否", "", ""],
        ["root2", "改超级管理员", "县领导", "崇阳县", "是", "", ""],
    ])
    upload(admin_client, "users", path)
    job = job_of(personas.admin)
    assert job.errors == [
        {"row": 3, "column": "是否启用", "message": "不能停用自己的账号。"},
        {"row": 4, "column": "用户名", "message": "超级管理员账号不能通过导入修改。"},
    ]
    path = files.write_xlsx(tmp_path / "users2.xlsx", [
        ["用户名", "姓名", "角色", "数据范围", "是否启用", "密码"], ["officer_c", "新组织委员", "乡镇组织委员", "天城镇", "是", "123456"],
    ])
    upload(admin_client, "users", path)
    admin_client.post(reverse("excel:job_confirm", args=[job_of(personas.admin).pk]))
    created = User.objects.get(username="officer_c")
    assert not created.has_usable_password() and not created.is_superuser and created.region == personas.tree.township_a


def test_the_buttons_tag_passes_the_list_filters_to_the_export(personas, rf):
    from django.template import Context, Template

    request = rf.get("/units/?kind=institution&page=3")
    request.user = personas.officer_a
    html = Template('{% load excel_tags %}{% excel_buttons "units" %}').render(Context({"request": request}))
    assert 'href="/excel/units/export/?kind=institution"' in html
    assert "Excel导入" not in html
    request.user = personas.admin
    html = Template('{% load excel_tags %}{% excel_buttons "units" %}').render(Context({"request": request}))
    assert "/excel/units/import/" in html and "/excel/units/template/" in html


def test_the_menu_entry_is_in_basic_data(personas):
    from cadre_portal.navigation import menu_for

    sections = {s["section"]: [i["label"] for i in s["items"]] for s in menu_for(personas.officer_a)}
    assert "Excel导入导出" in sections["基础数据"]


def test_regions_import_adds_a_village_and_round_trips(personas, admin_client, tmp_path):
    from cadre_portal.models import Region

    path = files.write_xlsx(tmp_path / "r.xlsx", [["区划代码", "名称", "上级代码", "类型"], ["421223100203", "新建村", "", ""]])
    upload(admin_client, "regions", path)
    job = job_of(personas.admin)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    admin_client.post(reverse("excel:job_confirm", args=[job.pk]))
    village = Region.objects.get(code="421223100203")
    assert (village.parent, village.level, village.kind) == (personas.tree.township_a, 5, "village")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(admin_client.get(reverse("excel:export", args=["regions"])).streaming_content))
    upload(admin_client, "regions", exported)
    job = job_of(personas.admin)
    assert (job.new_rows, job.updated_rows, job.error_rows) == (0, 0, 0), job.errors
    assert job.unchanged_rows == Region.objects.count()


@pytest.mark.parametrize("name, content, limit, message", [
    ("empty.xlsx", b"", None, "文件是空的"),
    ("big.xlsx", b"PK\x03\x04" + b"\0" * 3000, 2000, "超过上限"),
    ("names.csv", b"a,b\n", None, "只能上传 Excel 文件"),
    ("renamed.xlsx", b"%PDF-1.4\n%%EOF\n", None, "不是 Excel 工作簿"),
], ids=["empty", "oversized", "not-excel-name", "renamed-pdf"])
def test_every_refused_file_is_audited_and_nothing_is_kept(personas, admin_client, tmp_path, settings, excel_storage,
                                                           name, content, limit, message):
    if limit:
        settings.EXCEL_MAX_UPLOAD_BYTES = limit
    path = tmp_path / name
    path.write_bytes(content)
    response = upload(admin_client, "units", path)
    assert message in response.content.decode()
    event = AuditEvent.objects.filter(kind="import").latest("created_at")
    assert message in event.detail["refused"] and event.detail["file"] == name and event.user == personas.admin
    assert not ImportJob.objects.exists()
    assert stored_files(excel_storage) == []


def test_a_refused_confirm_shows_every_row_and_reason(personas, admin_client, tmp_path):
    upload(admin_client, "units", units_file(tmp_path, [["县教育局", "党政机关", "崇阳县"], ["县卫健局", "党政机关", "崇阳县"]]))
    job = job_of(personas.admin)
    Unit.objects.create(name="县卫健局", kind="party_gov", region=personas.tree.county)
    page = admin_client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True).content.decode()
    assert "第 3 行：该记录在预览之后已由他人录入" in page
    assert 'data-testid="error-table"' in page
    assert Unit.objects.count() == 1
