from django.urls import path

from cadre_portal.excel import views

app_name = "excel"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/import/", views.import_page, name="import"),
    path("<slug:key>/export/", views.export, name="export"),
    path("<slug:key>/template/", views.template, name="template"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<uuid:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("exports/<uuid:job_id>/", views.export_job, name="export_job"),
    path("exports/<uuid:job_id>/status/", views.export_job_status, name="export_job_status"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
]
