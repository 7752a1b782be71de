from django.urls import path

app_name = "priorities"

urlpatterns: list = []
