"""Backups and restores: the database and the stored files, with a manifest to check them by.

A backup set is a folder ``BACKUP_DIR/<YYYYmmdd-HHMMSS>/`` holding

- ``database.dump`` — ``pg_dump -Fc`` of the PostgreSQL database (``database.sqlite3``, a
  consistent copy made with SQLite's backup API, on the embedded default);
- ``media.tar.gz`` — every file of the default storage (``MEDIA_ROOT`` or, with an
  S3-compatible store, its bucket), read through Django's storage API;
- ``manifest.json`` — when, from which database, the latest migration of each app, the
  row count of every table, and the size and SHA-256 of both files.

``manage.py backup`` makes one (run nightly by ``deploy/systemd/cadre-portal-backup.timer``
or cron) and removes sets older than ``BACKUP_KEEP_DAYS`` — always keeping the newest
``BACKUP_KEEP_MIN`` whatever their age. ``manage.py restore <set>`` checks the files
against the manifest, restores the database into an empty database (``--database-url``,
or the configured one) and the files into the storage, then compares every table's row
count with the manifest. Both are audited.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.utils import timezone

STAMP = "%Y%m%d-%H%M%S"
DB_DUMP, DB_SQLITE, MEDIA, MANIFEST = "database.dump", "database.sqlite3", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Chinese)."""


def backup_root() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", "") or Path(settings.BASE_DIR) / "backups")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def latest_migrations(using: str = "default") -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


# --- backup ----------------------------------------------------------------------------


@dataclass
class BackupSet:
    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())


def make_backup(*, root: Path | None = None, now: datetime | None = None) -> BackupSet:
    """Write one backup set and return it. A set that fails half-way is removed."""
    root = root or backup_root()
    now = now or timezone.now()
    name = timezone.localtime(now).strftime(STAMP)
    target = root / name
    if target.exists():
        raise BackupError(f"备份目录 {target} 已存在。")
    work = root / f".{name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        db = settings.DATABASES["default"]
        vendor = connection.vendor
        if vendor == "postgresql":
            database_file = work / DB_DUMP
            counts = _dump_postgres(db, database_file)
        elif vendor == "sqlite":
            database_file = work / DB_SQLITE
            connection.ensure_connection()
            target_db = sqlite3.connect(database_file)
            try:
                connection.connection.backup(target_db)
            finally:
                target_db.close()
            # Counted in the copy itself: exactly what the set holds.
            counts = _counts_of({"ENGINE": "sqlite3", "NAME": str(database_file)})
        else:  # pragma: no cover - only PostgreSQL and SQLite are supported
            raise BackupError(f"不支持备份 {vendor} 数据库。")
        media_file = work / MEDIA
        media_count = _archive_storage(media_file)
        manifest = {
            "created_at": now.isoformat(),
            "name": name,
            "database": {"vendor": vendor, "name": str(db["NAME"]), "file": database_file.name,
                         "size": database_file.stat().st_size, "sha256": sha256(database_file)},
            "media": {"file": MEDIA, "files": media_count, "size": media_file.stat().st_size, "sha256": sha256(media_file)},
            "migrations": latest_migrations(),
            "tables": counts,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupSet(target, manifest)


def _dump_postgres(db: dict, target: Path) -> dict[str, int]:
    """``pg_dump -Fc`` of the snapshot the row counts are taken in (``--snapshot``), so the
    manifest's counts describe exactly the dump, however busy the database is."""
    import psycopg2

    conn = psycopg2.connect(**_pg_params(db))
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_tables(cursor)
            result = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", *_pg_args(db),
                 "-f", str(target), str(db["NAME"])],
                env=_pg_env(db), capture_output=True, text=True,
            )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()[:500]}")
    finally:
        conn.rollback()
        conn.close()
    return counts


def _pg_params(database: dict) -> dict:
    return {k: v for k, v in {
        "dbname": database["NAME"], "user": database.get("USER"), "password": database.get("PASSWORD"),
        "host": database.get("HOST"), "port": database.get("PORT"),
    }.items() if v}


def _count_tables(cursor) -> dict[str, int]:
    from psycopg2 import sql

    cursor.execute("SELECT table_name FROM information_schema.tables "
                   "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _walk(storage, folder=""):
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for name in dirs:
        yield from _walk(storage, f"{folder}/{name}" if folder else name)


def _archive_storage(path: Path, storage=None) -> int:
    """Every file of the storage into a tar.gz (through the storage API: filesystem or S3)."""
    storage = storage or default_storage
    count = 0
    with tarfile.open(path, "w:gz") as tar:
        for name in _walk(storage):
            with storage.open(name, "rb") as fh:
                data = fh.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return count


def backup_sets(root: Path | None = None) -> list[Path]:
    """Complete sets (with a manifest), oldest first."""
    root = root or backup_root()
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists())


def prune(*, root: Path | None = None, keep_days: int | None = None, keep_min: int | None = None, now=None) -> list[str]:
    """Remove sets older than ``keep_days``, always keeping the newest ``keep_min``."""
    keep_days = keep_days if keep_days is not None else int(getattr(settings, "BACKUP_KEEP_DAYS", 30))
    keep_min = keep_min if keep_min is not None else int(getattr(settings, "BACKUP_KEEP_MIN", 3))
    now = now or timezone.now()
    sets = backup_sets(root)
    removable = sets[:-keep_min] if keep_min else sets
    removed = []
    for path in removable:
        try:
            made = datetime.strptime(path.name, STAMP).replace(tzinfo=timezone.get_current_timezone())
        except ValueError:
            continue
        if made < now - timedelta(days=keep_days):
            shutil.rmtree(path)
            removed.append(path.name)
    return removed


# --- restore -------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict:
    manifest_file = Path(path) / MANIFEST
    if not manifest_file.exists():
        raise BackupError(f"{path} 不是完整的备份（缺少 {MANIFEST}）。")
    return json.loads(manifest_file.read_text(encoding="utf-8"))


def verify(path: Path) -> dict:
    """The set's files against the manifest's sizes and checksums."""
    path = Path(path)
    manifest = read_manifest(path)
    for part in ("database", "media"):
        entry = manifest[part]
        file = path / entry["file"]
        if not file.exists():
            raise BackupError(f"备份缺少文件 {entry['file']}。")
        if file.stat().st_size != entry["size"] or sha256(file) != entry["sha256"]:
            raise BackupError(f"备份文件 {entry['file']} 与清单不符（已损坏或被改动）。")
    return manifest


def restore_database(path: Path, database: dict, manifest: dict) -> None:
    """Restore the set's database into ``database`` (a settings-style dict), which must be empty."""
    path = Path(path)
    vendor = manifest["database"]["vendor"]
    if vendor == "postgresql":
        if not database["ENGINE"].endswith("postgresql"):
            raise BackupError("这是 PostgreSQL 的备份，只能恢复到 PostgreSQL 数据库。")
        _require_empty_postgres(database)
        result = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *_pg_args(database),
             "-d", str(database["NAME"]), str(path / DB_DUMP)],
            env=_pg_env(database), capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()[:500]}")
    elif vendor == "sqlite":
        if not database["ENGINE"].endswith("sqlite3"):
            raise BackupError("这是 SQLite 的备份，只能恢复到 SQLite 数据库文件。")
        target = Path(database["NAME"])
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"目标数据库文件 {target} 已存在且不为空；请指定一个新文件。")
        source = sqlite3.connect(path / DB_SQLITE)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
    else:  # pragma: no cover
        raise BackupError(f"不支持恢复 {vendor} 数据库。")


def _require_empty_postgres(database: dict) -> None:
    import psycopg2

    try:
        conn = psycopg2.connect(**_pg_params(database))
    except psycopg2.OperationalError as exc:
        raise BackupError(f"无法连接目标数据库：{str(exc).strip()[:300]}（请先建一个空数据库，如 createdb）") from None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            if cursor.fetchone()[0]:
                raise BackupError(f"目标数据库 {database['NAME']} 不是空的；为免覆盖现有数据，请恢复到一个新建的空数据库。")
    finally:
        conn.close()


def restore_media(path: Path, storage=None, *, replace: bool = False) -> int:
    """Put the set's files into the storage; a file already there is kept unless ``replace``."""
    storage = storage or default_storage
    count = 0
    with tarfile.open(Path(path) / MEDIA, "r:gz") as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = member.name
            if name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"备份中的文件名不安全：{name}")
            if storage.exists(name):
                if not replace:
                    continue
                storage.delete(name)
            with tar.extractfile(member) as fh:
                saved = storage.save(name, File(fh, name=os.path.basename(name)))
            if saved != name:
                raise BackupError(f"无法按原名恢复文件 {name}（存储改名为 {saved}）。")
            count += 1
    return count


def _counts_of(database: dict) -> dict[str, int]:
    """Row count of every table of ``database`` (a settings-style dict), on its own connection."""
    if database["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(database["NAME"])
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        finally:
            conn.close()
    import psycopg2

    conn = psycopg2.connect(**_pg_params(database))
    try:
        with conn.cursor() as cursor:
            return _count_tables(cursor)
    finally:
        conn.close()


def compare_counts(manifest: dict, database: dict) -> list[str]:
    """Tables whose row count differs from the manifest, as Chinese lines (empty: all equal)."""
    found = _counts_of(database)
    problems = []
    for table, expected in manifest["tables"].items():
        actual = found.get(table)
        if actual != expected:
            problems.append(f"{table}：备份时 {expected} 行，恢复后 {actual if actual is not None else '（缺少该表）'} 行")
    return problems


def database_settings(url: str | None) -> dict:
    """The settings dict of ``url`` (``postgres://…`` or ``sqlite:///…``), or the configured database."""
    if not url:
        return {**settings.DATABASES["default"]}
    import dj_database_url

    parsed = dj_database_url.parse(url)
    base = {**settings.DATABASES["default"]}
    base.update(parsed)
    base.setdefault("OPTIONS", {})
    if parsed["ENGINE"].endswith("sqlite3"):
        base["OPTIONS"] = {}
    return base

