from django.urls import path

app_name = "reserves"

urlpatterns: list = []
