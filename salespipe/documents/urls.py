from django.urls import path

from salespipe.documents import views

app_name = "documents"

urlpatterns = [
    path("opportunities/<int:pk>/documents/", views.documents, name="list"),
    path("documents/<int:pk>/download/", views.download, name="download"),
    path("documents/<int:pk>/delete/", views.delete, name="delete"),
]
