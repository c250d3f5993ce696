from django.urls import path

from youth_cadres.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("people/", views.care_list, name="care_list"),
    path("people/<int:pk>/", views.care_detail, name="care_detail"),
    path("people/<int:pk>/interval/", views.care_interval, name="care_interval"),
    path("people/<int:pk>/interview/", views.interview_add, name="interview_add"),
    path("people/<int:pk>/demand/", views.demand_add, name="demand_add"),
    path("people/<int:pk>/<slug:outcome>/", views.care_outcome, name="care_outcome"),
    path("enrol/<slug:registry_key>/<int:person_pk>/", views.care_enrol, name="care_enrol"),
    path("interviews/", views.interview_list, name="interview_list"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/<slug:action>/", views.demand_act, name="demand_act"),
    path("measures/", views.measure_list, name="measure_list"),
    path("measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
]
