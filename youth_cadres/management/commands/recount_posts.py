"""Check (and with --fix correct) the stored totals of every post: current holders and
bank candidates, against the holdings and bank targets they summarise."""

from django.core.management.base import BaseCommand

from youth_cadres import workflow


class Command(BaseCommand):
    help = "核对领导岗位的现任人数和在库培养对象人数（--fix 校正并记入审计日志）。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="校正不一致的岗位")

    def handle(self, *args, fix=False, **options):
        wrong = workflow.recount_posts(fix=fix)
        if not wrong:
            self.stdout.write("全部岗位的现任人数和在库培养对象人数与记录一致。")
            return
        for item in wrong:
            self.stdout.write(f"岗位 {item['post']}：存储 现任/培养对象 {item['stored']}，应为 {item['expected']}")
        self.stdout.write(f"{'已校正' if fix else '发现'} {len(wrong)} 个岗位不一致。")
        if not fix:
            raise SystemExit(1)
