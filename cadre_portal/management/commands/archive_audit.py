from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cadre_portal import housekeeping


class Command(BaseCommand):
    help = ("把早于留存期（AUDIT_KEEP_DAYS，至少六个月）的审计日志写入归档文件（gzip 压缩的 JSON 行），"
            "核对无误后从数据库删除，并记录一条审计日志说明归档了什么。")

    def add_arguments(self, parser):
        parser.add_argument("--before", help="归档此日期（YYYY-MM-DD）之前的日志；默认为留存期之前。")
        parser.add_argument("--dir", help="归档文件目录；默认为 AUDIT_ARCHIVE_DIR。")

    def handle(self, *args, before=None, dir=None, **options):
        cutoff = None
        if before:
            try:
                day = datetime.strptime(before, "%Y-%m-%d").date()
            except ValueError:
                raise CommandError(f"日期“{before}”格式不对，应为 YYYY-MM-DD。") from None
            cutoff = timezone.make_aware(datetime.combine(day, time.min))
        try:
            result = housekeeping.archive_audit(before=cutoff, directory=dir)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result.summary() + "。")
