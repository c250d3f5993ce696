"""Do what beat does: run the scan of every enabled reminder kind.

Without REDIS_URL (the embedded default) the scans, their dispatch and the
emails run right here, in this process — put it in cron, e.g.
``30 7 * * * cd /srv/portal && .venv/bin/python manage.py run_due_reminders``.
With REDIS_URL the scans are sent to the broker for the workers, as beat
would send them.
"""

from django.core.management.base import BaseCommand, CommandError

from cadre_portal.celery import app
from cadre_portal.notifications import registry, services, tasks


class Command(BaseCommand):
    help = "扫描到期事项并生成提醒（与 celery beat 的定时扫描相同，供 cron 或无 Redis 的默认部署使用）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", default=[], help="只扫描这一类提醒（可重复）。可选：" + "、".join(registry.keys()))
        parser.add_argument("--list", action="store_true", help="列出已注册的提醒类型。")

    def handle(self, *args, **options):
        if options["list"]:
            for kind in registry.all_kinds():
                self.stdout.write(f"{kind.key}\t{kind.label}")
            return
        keys = options["kind"] or services.enabled_kind_keys()
        unknown = [k for k in keys if k not in registry.keys()]
        if unknown:
            raise CommandError("未知的提醒类型：" + "、".join(unknown))
        eager = app.conf.task_always_eager
        for key in keys:
            label = registry.label_for(key)
            if eager:
                result = services.scan(key)
                if result.disabled:
                    self.stdout.write(f"{label}：未启用，跳过")
                else:
                    self.stdout.write(f"{label}：新建提醒 {result.created} 条，已存在 {result.existing} 条")
            else:
                tasks.scan_reminders.delay(key)
                self.stdout.write(f"{label}：已提交扫描任务")
        if eager:
            # No beat without a broker: deliver what the outbox still holds, too.
            from cadre_portal.notifications import outbox

            swept = outbox.sweep()
            if swept.due:
                self.stdout.write(f"后续任务：投递 {swept.due} 条")
