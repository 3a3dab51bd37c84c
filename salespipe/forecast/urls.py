from django.urls import path

from salespipe.forecast import views

app_name = "forecast"

urlpatterns = [
    path("forecast/", views.forecast_page, name="page"),
]
