from django.urls import path

from salespipe.customers import views

app_name = "customers"

urlpatterns = [
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("contacts/<int:pk>/", views.contact, name="contact"),
    path("accounts/lookup/", views.account_lookup, name="account_lookup"),
    path("accounts/quick/", views.account_quick, name="account_quick"),
    path("accounts/<int:pk>/contacts/lookup/", views.contact_lookup, name="contact_lookup"),
    path("accounts/<int:pk>/contacts/quick/", views.contact_quick, name="contact_quick"),
]
