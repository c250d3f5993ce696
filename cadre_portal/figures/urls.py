from django.urls import path

from cadre_portal.figures import views

app_name = "figures"

urlpatterns = [
    path("<str:key>/", views.rows, name="rows"),
]
