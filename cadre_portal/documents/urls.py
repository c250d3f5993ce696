from django.urls import path

from cadre_portal.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("rmb/<slug:key>/<int:pk>/", views.rmb_print, name="rmb_print"),
    path("rmb/<slug:key>/<int:pk>/docx/", views.rmb_docx, name="rmb_docx"),
    path("rmb/<slug:key>/<int:pk>/lrmx/", views.rmb_lrmx, name="rmb_lrmx"),
    path("rmb/<slug:key>/batch/<slug:batch>/", views.batch_print, name="batch_print"),
    path("rmb/<slug:key>/batch/<slug:batch>/docx/", views.batch_docx, name="batch_docx"),
    path("rmb/<slug:key>/batch/<slug:batch>/lrmx/", views.batch_lrmx, name="batch_lrmx"),
]
