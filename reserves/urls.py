from django.urls import path

from reserves import views

app_name = "reserves"

urlpatterns = [
    path("<int:pk>/", views.candidate_detail, name="detail"),
]
