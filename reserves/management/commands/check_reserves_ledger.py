"""Recompute every reserve cadre's hours ledger from the attendance rows and compare
it with what is stored (``Candidate.hours_attended`` / ``hours_behind_from``).

    manage.py check_reserves_ledger          # report; exit status 1 when any differ
    manage.py check_reserves_ledger --fix    # also store the recomputed values (audited)
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cadre_portal import audit
from cadre_portal.models import AuditEvent
from reserves import workflow

SHOWN = 50


class Command(BaseCommand):
    help = "核对后备干部学时台账（已完成学时、进度落后起始日期）与出勤记录是否一致；--fix 按出勤记录更正。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="按出勤记录重新计算并保存不一致的台账")

    def handle(self, *args, fix=False, **options):
        rows = list(workflow.ledger_mismatches())
        for c, stored, attended, stored_from, expected_from in rows[:SHOWN]:
            self.stdout.write(
                f"{c.pk} {c.name}: 台账 {stored} 学时（落后起始 {stored_from or '—'}），"
                f"出勤记录 {attended} 学时（落后起始 {expected_from or '—'}）"
            )
        if len(rows) > SHOWN:
            self.stdout.write(f"……另有 {len(rows) - SHOWN} 人")
        if not rows:
            self.stdout.write(self.style.SUCCESS("学时台账与出勤记录一致。"))
            return
        if fix:
            with transaction.atomic():
                fixed = workflow.refresh_hours_ledger([c.pk for c, *_ in rows])
                audit.record(
                    AuditEvent.Kind.OTHER, user=None, username="check_reserves_ledger", summary=f"按出勤记录更正学时台账 {fixed} 人",
                    count=fixed, candidates=[c.pk for c, *_ in rows[:200]],
                )
            self.stdout.write(self.style.SUCCESS(f"已按出勤记录更正 {fixed} 人的学时台账。"))
            return
        raise CommandError(f"{len(rows)} 人的学时台账与出勤记录不一致（加 --fix 更正）。")
