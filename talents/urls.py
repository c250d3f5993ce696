from django.urls import path

app_name = "talents"

urlpatterns: list = []
