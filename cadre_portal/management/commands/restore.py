"""Restore a backup set into an empty database and the file storage, then check it.

    createdb cadre_restored
    manage.py restore backups/20261129-023000 --database-url postgres://cadre@db/cadre_restored

Without ``--database-url`` the configured database is the target; it must be empty
(a fresh ``createdb``; run ``migrate`` only after restoring, never before). Files go
into the configured storage (``MEDIA_ROOT`` or the S3 bucket); files already there
are kept unless ``--replace-files``. ``--no-files`` restores the database only.
After restoring, every table's row count is compared with the backup's manifest.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadre_portal import backup


class Command(BaseCommand):
    help = "把备份恢复到一个空数据库（及文件存储），并按备份清单核对每张表的行数。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份目录（如 backups/20261129-023000）。")
        parser.add_argument("--database-url", help="恢复到这个数据库（默认：当前配置的数据库，须为空库）。")
        parser.add_argument("--no-files", action="store_true", help="只恢复数据库，不恢复上传文件。")
        parser.add_argument("--replace-files", action="store_true", help="存储中已有同名文件时用备份覆盖。")

    def handle(self, *args, path, database_url=None, no_files=False, replace_files=False, **options):
        path = Path(path)
        try:
            manifest = backup.verify(path)
            self.stdout.write(f"备份 {manifest['name']} 校验通过（{manifest['database']['vendor']}）。")
            target = backup.database_settings(database_url)
            backup.restore_database(path, target, manifest)
            self.stdout.write(f"数据库已恢复到 {target['NAME']}。")
            if not no_files:
                count = backup.restore_media(path, replace=replace_files)
                self.stdout.write(f"文件已恢复 {count} 个（共 {manifest['media']['files']} 个）。")
            problems = backup.compare_counts(manifest, target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if problems:
            raise CommandError("恢复后的数据与备份清单不一致：\n" + "\n".join(problems))
        tables = manifest["tables"]
        self.stdout.write(f"核对完毕：{len(tables)} 张表、{sum(tables.values())} 行与备份一致。")
