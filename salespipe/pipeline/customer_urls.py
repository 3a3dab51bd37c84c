"""An account's and a contact's sheets, served by the pipeline under the customers' names
(`customers:account`, `customers:contact`): `urls.py` joins them to `customers.urls`."""

from django.urls import path

from salespipe.pipeline.views import customers

urlpatterns = [
    path("accounts/<int:pk>/", customers.account, name="account"),
    path("contacts/<int:pk>/", customers.contact, name="contact"),
]
