"""Do what beat's every-minute sweep does: hand over pending outbox messages and
run the sweep hooks.

Without REDIS_URL (the embedded default) the messages are delivered right here,
in this process — put it in cron, e.g. ``*/5 * * * * cd /srv/portal &&
.venv/bin/python manage.py outbox_sweep``. With REDIS_URL they are sent to the
workers, as beat's sweep would send them.
"""

from django.core.management.base import BaseCommand

from cadre_portal.notifications import outbox
from cadre_portal.notifications.models import Heartbeat


class Command(BaseCommand):
    help = "投递发件箱中待处理的后续任务并运行巡检（与 celery beat 每分钟的巡检相同，供 cron 或无 Redis 的默认部署使用）。"

    def handle(self, *args, **options):
        result = outbox.sweep()
        Heartbeat.beat("outbox_sweep_command", **result.as_dict())
        d = result.dispatch
        self.stdout.write(
            f"待投递 {result.due} 条：已交给任务队列 {d.sent} 条，本进程执行 {d.ran} 条，"
            f"执行出错待重试 {d.failed} 条，未能投递 {d.pending} 条；巡检 {result.hooks} 项"
            + (f"（出错 {result.hook_errors} 项）" if result.hook_errors else "")
        )
        if d.broker_down:
            self.stderr.write(f"消息队列无法连接：{d.broker_error}")
