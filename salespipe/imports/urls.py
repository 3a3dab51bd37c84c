from django.urls import path

from salespipe.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.new_import, name="new"),
    path("imports/<int:pk>/", views.job_page, name="job"),
    path("imports/<int:pk>/run/", views.run, name="run"),
    path("imports/<int:pk>/rejected.csv", views.rejected_rows, name="rejected"),
]
