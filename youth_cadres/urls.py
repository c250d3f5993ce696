from django.urls import path

app_name = "youth_cadres"

urlpatterns: list = []
