from django.contrib import admin
from django.urls import include, path

from salespipe.api.api import api
from salespipe.pipeline.views.home import home

handler400 = "salespipe.web.request_size.bad_request"

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("salespipe.pipeline.urls")),
    path("", include("salespipe.customers.urls")),
    path("", include("salespipe.documents.urls")),
    path("", include("salespipe.api.urls")),
    path("", include("salespipe.web.urls")),
    path("", include("salespipe.feeds.urls")),
    path("", include("salespipe.forecast.urls")),
    path("", include("salespipe.exports.urls")),
    path("", include("salespipe.imports.urls")),
]
