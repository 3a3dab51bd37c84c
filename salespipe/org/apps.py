from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "salespipe.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Lasting credentials end with their user's password or account (SEC4, X4).
        from salespipe.org import credentials  # noqa: F401
