from django.contrib import admin
from django.urls import include, path

from salespipe.api.api import api
from salespipe.customers import urls as customer_urls
from salespipe.pipeline import customer_urls as customer_sheet_urls
from salespipe.pipeline.views.home import home

handler400 = "salespipe.web.request_size.bad_request"

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("salespipe.pipeline.urls")),
    # One namespace for the customers' pages: the lists and lookups of `customers`, and the
    # sheets the pipeline serves, which list an account's deals and actions.
    path(
        "",
        include(
            ([*customer_urls.urlpatterns, *customer_sheet_urls.urlpatterns], "customers"),
        ),
    ),
    path("", include("salespipe.documents.urls")),
    path("", include("salespipe.api.urls")),
    path("", include("salespipe.web.urls")),
    path("", include("salespipe.feeds.urls")),
    path("", include("salespipe.forecast.urls")),
    path("", include("salespipe.exports.urls")),
    path("", include("salespipe.imports.urls")),
]
