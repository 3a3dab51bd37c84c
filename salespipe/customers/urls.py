from django.urls import path

from salespipe.customers import views

# The namespace `customers` is given where `urls.py` joins these to the account's and the
# contact's sheets, which the pipeline serves (`pipeline.customer_urls`).
urlpatterns = [
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/lookup/", views.account_lookup, name="account_lookup"),
    path("accounts/quick/", views.account_quick, name="account_quick"),
    path("accounts/<int:pk>/contacts/lookup/", views.contact_lookup, name="contact_lookup"),
    path("accounts/<int:pk>/contacts/quick/", views.contact_quick, name="contact_quick"),
]
