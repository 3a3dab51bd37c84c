"""The framework floor of an API move: the least a django-ninja endpoint can do for one.

Bench-only, never in the product's addresses: `floor_settings` serves it under
`/bench-floor/` beside the app's own. It authenticates with the app's own bearer tokens and
runs the raw baseline's two statements (`moves._raw_moves`) in one transaction: the
conditional UPDATE and the history INSERT. What the app's move does beyond it (loading the
card with its rights, the stage rules, the live feed's row, the full answer) is what the
bench's ratio to this floor weighs.
"""

from django.db import connection, transaction
from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI, Schema

from salespipe.api.auth import TokenAuth, user_of
from salespipe.pipeline.models import Stage
from salespipe.urls import urlpatterns as app_urlpatterns

PREFIX = "/bench-floor"

floor = NinjaAPI(title="Bench floor", urls_namespace="bench_floor", auth=TokenAuth(), docs_url=None)

# Stage names, for the history entry, read once per process as the baseline's client does.
_names: dict[int, str] = {}


class MoveIn(Schema):
    stage: int
    version: int


class MoveOut(Schema):
    stage: int
    version: int


class Refused(Schema):
    detail: str


def _name(stage_id: int) -> str:
    if stage_id not in _names:
        _names.update(Stage.objects.values_list("pk", "name"))
    return _names[stage_id]


@floor.post("/opportunities/{id}/move", response={200: MoveOut, 409: Refused})
def move(request: HttpRequest, id: int, payload: MoveIn) -> tuple[int, MoveOut | Refused]:
    with transaction.atomic(), connection.cursor() as cursor:
        # The self-join hands back the stage it had, for the history, in the same statement.
        cursor.execute(
            "UPDATE pipeline_opportunity o SET stage_id = %s, version = o.version + 1, "
            "updated_at = now() FROM pipeline_opportunity was "
            "WHERE o.id = %s AND o.version = %s AND was.id = o.id "
            "RETURNING was.stage_id, o.company_id",
            [payload.stage, id, payload.version],
        )
        row = cursor.fetchone()
        if row is None:
            return 409, Refused(detail="Changed meanwhile.")
        old_stage, company_id = row
        cursor.execute(
            "INSERT INTO pipeline_historyentry (opportunity_id, opportunity_ref, "
            "company_id, actor_id, at, kind, field, old_value, new_value) "
            "VALUES (%s, %s, %s, %s, now(), 'changed', 'stage', %s, %s)",
            [id, id, company_id, user_of(request).pk, _name(old_stage), _name(payload.stage)],
        )
    return 200, MoveOut(stage=payload.stage, version=payload.version + 1)


urlpatterns = [path(f"{PREFIX.strip('/')}/", floor.urls), *app_urlpatterns]
