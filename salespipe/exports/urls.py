from django.urls import path

from salespipe.exports import views

app_name = "exports"

urlpatterns = [
    path("exports/<str:screen>.<str:file_format>", views.export, name="export"),
]
