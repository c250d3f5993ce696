from django.urls import path

from cadre_portal.documents import import_views, views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("rmb/<slug:key>/<int:pk>/", views.rmb_print, name="rmb_print"),
    path("rmb/<slug:key>/<int:pk>/docx/", views.rmb_docx, name="rmb_docx"),
    path("rmb/<slug:key>/<int:pk>/lrmx/", views.rmb_lrmx, name="rmb_lrmx"),
    path("rmb/<slug:key>/batch/<slug:batch>/", views.batch_print, name="batch_print"),
    path("rmb/<slug:key>/batch/<slug:batch>/docx/", views.batch_docx, name="batch_docx"),
    path("rmb/<slug:key>/batch/<slug:batch>/lrmx/", views.batch_lrmx, name="batch_lrmx"),
    path("lrmx/<slug:key>/import/", import_views.import_page, name="import"),
    path("lrmx/jobs/<uuid:job_id>/", import_views.job_detail, name="job"),
    path("lrmx/jobs/<uuid:job_id>/confirm/", import_views.job_confirm, name="job_confirm"),
    path("lrmx/jobs/<uuid:job_id>/cancel/", import_views.job_cancel, name="job_cancel"),
]
