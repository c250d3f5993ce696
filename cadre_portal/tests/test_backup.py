"""Backup and restore, end to end: a set is made from live data, restored into a fresh
database and a fresh file storage, and every table's rows and every file come back."""

from __future__ import annotations

import json
import os
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cadre_portal import backup
from cadre_portal.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("excel_imports/job-1/upload.xlsx", ContentFile(b"PK\x03\x04 fake workbook"))
    default_storage.save("photos/张三.jpg", ContentFile(b"\xff\xd8\xff jpeg"))
    return settings.MEDIA_ROOT


@pytest.fixture
def data(personas):
    from reserves.tests import builders as b

    b.training(personas, name="王小明")
    b.draft(personas, personas.tree.village_b1, name="李四")
    return personas


@pytest.fixture
def fresh_database(tmp_path):
    """A new empty database of the same kind, dropped afterwards."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        yield {**db, "NAME": str(tmp_path / "restored.sqlite3"), "OPTIONS": {}}
        return
    import psycopg2

    name = f"restore_{uuid.uuid4().hex[:10]}"
    params = backup._pg_params({**db, "NAME": "postgres"})
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**db, "NAME": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _url(database: dict) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    auth = database.get("USER") or ""
    if database.get("PASSWORD"):
        auth += f":{database['PASSWORD']}"
    host = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{database['NAME']}"


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_file(data, media, tmp_path, fresh_database, settings):
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=StringIO())
    [made] = backup.backup_sets(tmp_path / "backups")
    manifest = json.loads((made / "manifest.json").read_text())
    assert manifest["tables"]["reserves_candidate"] == 2 and manifest["media"]["files"] == 2

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out = StringIO()
    call_command("restore", str(made), "--database-url", _url(fresh_database), stdout=out)
    assert "与备份一致" in out.getvalue()
    assert backup.compare_counts(manifest, fresh_database) == []
    restored = Path(settings.MEDIA_ROOT)
    assert (restored / "photos" / "张三.jpg").read_bytes() == b"\xff\xd8\xff jpeg"
    assert (restored / "excel_imports" / "job-1" / "upload.xlsx").exists()


def test_the_restored_database_holds_the_same_people(data, media, tmp_path, fresh_database):
    made = backup.make_backup(root=tmp_path / "backups")
    backup.restore_database(made.path, fresh_database, made.manifest)
    if connection.vendor == "sqlite":
        import sqlite3

        rows = sqlite3.connect(fresh_database["NAME"]).execute("SELECT name FROM reserves_candidate ORDER BY name").fetchall()
    else:
        import psycopg2

        conn = psycopg2.connect(**backup._pg_params(fresh_database))
        with conn.cursor() as cursor:
            cursor.execute("SELECT name FROM reserves_candidate ORDER BY name")
            rows = cursor.fetchall()
        conn.close()
    assert [r[0] for r in rows] == ["李四", "王小明"]


def test_restore_refuses_a_database_that_is_not_empty(data, media, tmp_path):
    made = backup.make_backup(root=tmp_path / "backups")
    with pytest.raises(CommandError, match="不是空的|已存在且不为空"):
        call_command("restore", str(made.path), "--database-url", _url(_current_as_target()), "--no-files", stdout=StringIO())


def _current_as_target():
    db = {**settings.DATABASES["default"]}
    if connection.vendor == "postgresql":
        db["NAME"] = connection.settings_dict["NAME"]  # the test database, full of tables
    else:
        db["NAME"] = connection.settings_dict["NAME"]
    return db


def test_a_damaged_backup_is_refused_before_anything_is_restored(data, media, tmp_path, fresh_database):
    made = backup.make_backup(root=tmp_path / "backups")
    dump = next(p for p in made.path.iterdir() if p.name.startswith("database"))
    with open(dump, "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00garbage\x00")
    with pytest.raises(CommandError, match="与清单不符"):
        call_command("restore", str(made.path), "--database-url", _url(fresh_database), stdout=StringIO())
    assert backup._counts_of(fresh_database) == {} if connection.vendor == "postgresql" else not Path(fresh_database["NAME"]).exists()


def test_old_sets_are_removed_but_the_newest_always_kept(tmp_path, settings):
    root = tmp_path / "backups"
    now = timezone.now()
    for days in (90, 60, 45, 40, 2, 1):
        name = timezone.localtime(now - timedelta(days=days)).strftime(backup.STAMP)
        (root / name).mkdir(parents=True)
        (root / name / "manifest.json").write_text("{}")
    removed = backup.prune(root=root, keep_days=30, keep_min=3, now=now)
    kept = [p.name for p in backup.backup_sets(root)]
    assert len(removed) == 3 and len(kept) == 3


def test_a_backup_is_audited_with_its_size(data, media, tmp_path):
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=StringIO())
    event = AuditEvent.objects.filter(summary__startswith="备份完成").get()
    assert event.detail["rows"] > 0 and event.detail["files"] == 2


def test_a_failed_backup_leaves_no_partial_set_and_is_audited(data, media, tmp_path, monkeypatch):
    def broken(path, storage=None):
        raise backup.BackupError("磁盘已满")

    monkeypatch.setattr(backup, "_archive_storage", broken)
    with pytest.raises(CommandError, match="磁盘已满"):
        call_command("backup", "--dir", str(tmp_path / "backups"), stdout=StringIO())
    assert backup.backup_sets(tmp_path / "backups") == [] and not any((tmp_path / "backups").iterdir())
    assert AuditEvent.objects.filter(summary__startswith="备份失败").exists()


def test_the_listing_shows_each_set(data, media, tmp_path):
    backup.make_backup(root=tmp_path / "backups")
    out = StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), "--list", stdout=out)
    assert "MB" in out.getvalue() and "文件 2 个" in out.getvalue()
