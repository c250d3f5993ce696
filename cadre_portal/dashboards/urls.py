from django.urls import path

from cadre_portal.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/<str:key>/", views.export_chart, name="export"),
    path("report/", views.report, name="report"),
]
