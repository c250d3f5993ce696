"""Back up the database and the stored files (see ``cadre_portal.backup``).

    manage.py backup                  # a set in BACKUP_DIR/<YYYYmmdd-HHMMSS>/, old sets pruned
    manage.py backup --keep-days 60   # keep two months
    manage.py backup --list           # the sets there are

Schedule it nightly: ``deploy/systemd/cadre-portal-backup.timer``, or cron
``30 2 * * * cd /srv/cadre-portal/app && .venv/bin/python manage.py backup``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadre_portal import backup
from cadre_portal.audit import record
from cadre_portal.models import AuditEvent


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump -Fc）和上传文件，生成带校验清单的备份，并按保留天数清理旧备份。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录（默认 BACKUP_DIR）。")
        parser.add_argument("--keep-days", type=int, help="保留天数（默认 BACKUP_KEEP_DAYS，30 天）。")
        parser.add_argument("--keep-min", type=int, help="无论多旧都保留的最新备份份数（默认 BACKUP_KEEP_MIN，3 份）。")
        parser.add_argument("--list", action="store_true", help="列出已有的备份。")

    def handle(self, *args, **options):
        root = Path(options["dir"]) if options["dir"] else backup.backup_root()
        if options["list"]:
            for path in backup.backup_sets(root):
                manifest = backup.read_manifest(path)
                size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
                self.stdout.write(f"{path.name}\t{manifest['database']['vendor']}\t{size / 1e6:.1f} MB\t"
                                  f"文件 {manifest['media']['files']} 个")
            return
        try:
            made = backup.make_backup(root=root)
        except backup.BackupError as exc:
            record(AuditEvent.Kind.OTHER, summary=f"备份失败：{exc}"[:255], error=str(exc)[:1000])
            raise CommandError(str(exc)) from None
        removed = backup.prune(root=root, keep_days=options["keep_days"], keep_min=options["keep_min"])
        tables = made.manifest["tables"]
        record(AuditEvent.Kind.OTHER, summary=f"备份完成：{made.name}，{made.size / 1e6:.1f} MB，清理旧备份 {len(removed)} 份",
               backup=made.name, size=made.size, tables=len(tables), rows=sum(tables.values()),
               files=made.manifest["media"]["files"], removed=removed)
        self.stdout.write(f"备份完成：{made.path}（{made.size / 1e6:.1f} MB，{len(tables)} 张表，"
                          f"{made.manifest['media']['files']} 个文件）")
        if removed:
            self.stdout.write("已清理旧备份：" + "、".join(removed))
