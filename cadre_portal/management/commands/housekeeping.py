from django.core.management.base import BaseCommand

from cadre_portal import housekeeping


class Command(BaseCommand):
    help = "清理过期会话和已完成的发件箱消息，归档超过留存期的审计日志（无消息代理时由 cron 每晚运行）。"

    def handle(self, *args, **options):
        result = housekeeping.run()
        self.stdout.write(
            f"已清理过期会话 {result['sessions']} 个，已完成的后续任务 {result['outbox_done']} 条，"
            f"归档审计日志 {result['audit_archived']} 条" + (f"（{result['audit_file']}）" if result["audit_file"] else "") + "。"
        )
