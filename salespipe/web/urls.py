from django.contrib.auth import views as auth_views
from django.urls import path

# The site's shell: signing in and out. The home page is the pipeline's (`pipeline.views.home`).
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
