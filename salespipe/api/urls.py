from django.urls import path

from salespipe.api import token_views

app_name = "profile"

urlpatterns = [
    path("profile/tokens/", token_views.token_list, name="tokens"),
    path("profile/tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
