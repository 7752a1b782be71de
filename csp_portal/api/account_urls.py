from django.urls import path

from . import views

urlpatterns = [
    path("", views.token_list, name="access_tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="access_token_revoke"),
]
