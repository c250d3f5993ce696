"""List every reserve cadre whose stage lacks that stage's data (an inspection for a
submitted nomination, cycle dates in training, the inspection records at the end of the
cycle, the pool entry in the pool, the appointment and its follow-up for an appointee).

    manage.py check_reserves_integrity      # report; exit status 1 when any record lacks its data
"""

from django.core.management.base import BaseCommand, CommandError

from reserves import workflow


class Command(BaseCommand):
    help = "核对后备干部数据完整性：列出所处阶段缺少该阶段数据的人员（如在储备库却无入库记录）。"

    def handle(self, *args, **options):
        problems = list(workflow.integrity_problems())
        for c, message in problems:
            self.stdout.write(f"{c.pk} {c.name}（{c.village.name}，{c.get_stage_display()}）：{message}")
        if not problems:
            self.stdout.write(self.style.SUCCESS("后备干部数据完整：每人所处阶段的数据齐全。"))
            return
        raise CommandError(f"共 {len(problems)} 处缺少所处阶段的数据。")
