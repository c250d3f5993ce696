from django.core.management.base import BaseCommand

from cadre_portal import demo
from cadre_portal.models import User


class Command(BaseCommand):
    help = "打印演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="门户地址")

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.select_related("region", "unit").filter(username__in=[row[0] for row in demo.DEMO_USERS])}
        self.stdout.write("")
        self.stdout.write("演示账号（密码均为 %s）：" % demo.DEMO_PASSWORD)
        for username, *_ in demo.DEMO_USERS:
            user = users.get(username)
            if user is None:
                continue
            scope = user.region.name if user.region else (user.unit.name if user.unit else "—")
            extra = f" · {user.get_domain_display()}" if user.domain else ""
            self.stdout.write(f"  {username:<10} {user.get_role_display()}（{user.full_name}，{scope}{extra}）")
        self.stdout.write(f"打开 {options['url']} 登录。")
        self.stdout.write("")
