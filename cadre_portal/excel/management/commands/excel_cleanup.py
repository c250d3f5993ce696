from django.core.management.base import BaseCommand

from cadre_portal.excel.services import cleanup_expired


class Command(BaseCommand):
    help = "删除过期或已结束的 Excel 导入暂存文件（建议每小时运行一次）。"

    def handle(self, *args, **options):
        removed = cleanup_expired()
        self.stdout.write(f"已清理 {removed} 个暂存目录。")
