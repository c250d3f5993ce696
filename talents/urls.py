from django.urls import path

from talents import views

app_name = "talents"

urlpatterns = [
    path("", views.index, name="index"),
    path("overview/", views.overview, name="overview"),
    path("list/<slug:domain>/", views.talent_list, name="list"),
    path("list/<slug:domain>/new/", views.talent_create, name="create"),
    path("<int:pk>/", views.talent_detail, name="detail"),
    path("<int:pk>/edit/", views.talent_edit, name="edit"),
    path("<int:pk>/status/<slug:action>/", views.talent_status, name="status"),
    path("<int:pk>/support/", views.support_create, name="support"),
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/new/", views.platform_create, name="platform_create"),
    path("platforms/<int:pk>/", views.platform_detail, name="platform_detail"),
    path("platforms/<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("platforms/<int:pk>/members/", views.member_add, name="member_add"),
    path("platforms/<int:pk>/status/<slug:action>/", views.platform_status, name="platform_status"),
    path("members/<int:pk>/end/", views.member_end, name="member_end"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/lines/<int:pk>/", views.plan_line_detail, name="plan_line"),
    path("orgs/", views.org_list, name="orgs"),
    path("orgs/new/", views.org_create, name="org_create"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("orgs/<int:pk>/activity/", views.activity_create, name="activity"),
    path("orgs/<int:pk>/state/<slug:action>/", views.org_state, name="org_state"),
]
