from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "salespipe.feeds"
    label = "feeds"
    verbose_name = _("Calendar feeds")

    def ready(self) -> None:
        # An address stops with its user's password or account (X4).
        from salespipe.feeds import services  # noqa: F401
