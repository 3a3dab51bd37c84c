from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "salespipe.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Tokens are revoked with their user's password or account (SEC4).
        from salespipe.api import tokens  # noqa: F401
