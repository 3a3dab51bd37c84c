from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "salespipe.pipeline"
    label = "pipeline"
    verbose_name = _("Pipeline")

    def ready(self) -> None:
        # Connects the refusal to load column totals from a fixture.
        from salespipe.pipeline.services import column_totals  # noqa: F401
