from django.core.management.base import BaseCommand

from cadre_portal import demo


class Command(BaseCommand):
    help = "载入演示数据：崇阳县区划、各角色演示账号、单位和虚构人员（可重复执行）。"

    def handle(self, *args, **options):
        loaded = demo.load_all()
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪（{', '.join(loaded) or '基础数据'}）。"))
