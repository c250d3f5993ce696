"""Menu entries and the home-page panel of the notification centre."""

from cadre_portal.navigation import register_home_panel, register_menu

REMINDER_PAGE_ROLES = ("county_staff", "leader", "admin")


def unread_panel(user):
    from cadre_portal.notifications.models import Notification

    unread = list(Notification.objects.for_user(user).unread()[:5])
    if not unread:
        return None
    return {"notifications": unread, "count": Notification.objects.for_user(user).unread().count()}


def register():
    register_menu("消息通知", "notifications:list", section="提醒", order=800)
    register_menu("提醒管理", "notifications:reminders", roles=REMINDER_PAGE_ROLES, section="提醒", order=810)
    register_home_panel(
        "unread_notifications", "notifications/panels/unread.html", unread_panel, order=5
    )
