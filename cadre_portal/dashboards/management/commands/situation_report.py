"""python manage.py situation_report --from 2024-01-01 --to 2026-12-31 --out report.docx [--region CODE]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadre_portal.dashboards import exports, report
from cadre_portal.dashboards.models import ReportTemplate
from cadre_portal.dashboards.scope import scope_user
from cadre_portal.figures import periods


class Command(BaseCommand):
    help = "生成情况汇报（Word），统计期间由 --from/--to 指定，范围为全部地区或 --region 指定的区划。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="开始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="结束日期 YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="输出文件（.docx；另可 .xlsx 导出指标表）")
        parser.add_argument("--region", help="区划代码（默认全部地区）")
        parser.add_argument("--template", help="报告模板名称（默认为默认模板）")

    def handle(self, *args, start, end, out, region=None, template=None, **options):
        from cadre_portal.models import Region

        try:
            period = periods.make_range(periods.parse_date(start, "开始日期"), periods.parse_date(end, "结束日期"))
        except periods.PeriodError as exc:
            raise CommandError(str(exc)) from None
        node = None
        if region:
            node = Region.objects.filter(code=region.strip()).first()
            if node is None:
                raise CommandError(f"区划代码“{region}”不存在。")
        if template:
            chosen = ReportTemplate.objects.filter(name=template).first()
            if chosen is None:
                raise CommandError(f"没有名为“{template}”的报告模板。")
        else:
            chosen = ReportTemplate.default()
        user = scope_user(node)
        scope = node.name if node is not None else _installation_name()
        result = report.build(chosen.body, user=user, period=period, scope=scope)
        for problem in result.problems:
            self.stderr.write(problem)
        path = Path(out)
        if path.suffix.lower() == ".xlsx":
            content = exports.figures_workbook(title=result.title, rows=report.figure_rows(result), period=period, scope=scope)
        else:
            content = report.docx_bytes(result)
        path.write_bytes(content)
        filled = result.filled
        gaps = result.gaps
        self.stdout.write(f"已生成 {path}：{scope}，{period.span}，{len(filled)} 项指标，其中 {len(gaps)} 项待补充。")
        for gap in gaps:
            self.stdout.write(f"  待补充：{gap.label or gap.key}")


def _installation_name() -> str:
    """The region the whole installation covers: down from the root while the tree
    has a single branch (湖北省 → 咸宁市 → 崇阳县), stopping at a county."""
    from cadre_portal.models import Region

    roots = list(Region.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        return "全部地区"
    node = roots[0]
    while node.level < Region.Level.COUNTY:
        children = list(node.children.all()[:2])
        if len(children) != 1:
            break
        node = children[0]
    return node.name
