from django.urls import path

from cadre_portal.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("unread-count/", views.unread_count, name="unread_count"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/scan/", views.trigger_scan, name="trigger_scan"),
]
