from django.urls import path

from reserves import print_views, views

app_name = "reserves"

urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("new/", views.candidate_create, name="create"),
    path("overview/", views.overview, name="overview"),
    path("pool/", views.pool_roster, name="pool"),
    path("villages/", views.villages, name="villages"),
    path("villages/export/", views.villages_export, name="villages_export"),
    path("villages/election/", views.election_schedule, name="election_schedule"),
    path("villages/seats/", views.seat_plans, name="seat_plans"),
    path("villages/<int:village_pk>/print/", print_views.village_print, name="village_print"),
    path("review/", views.review_index, name="review"),
    path("review/<slug:queue>/", views.review_queue, name="review_queue"),
    path("review/<slug:queue>/<int:village_pk>/", views.review_village, name="review_village"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/attachment/", views.standard_attachment, name="standard_attachment"),
    path("submission/", views.submission, name="submission"),
    path("submission/<int:village_pk>/", views.submit_village, name="submit_village"),
    path("training/", views.training_list, name="training"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/attendance/", views.attendance_save, name="attendance_save"),
    path("training/<int:pk>/attendance/<int:candidate_pk>/", views.attendance_person, name="attendance_person"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/print/", print_views.candidate_print, name="print"),
    path("<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("<int:pk>/inspection/", views.inspection_edit, name="inspection"),
    path("<int:pk>/do/<slug:action>/", views.action_form, name="action_form"),
    path("<int:pk>/act/<slug:action>/", views.action_perform, name="act"),
    path("<int:pk>/record/<slug:kind>/", views.record_add, name="record"),
]
