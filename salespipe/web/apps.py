from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "salespipe.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self) -> None:
        # A login's success clears its account's failures (SEC3).
        from salespipe.web import throttling  # noqa: F401
