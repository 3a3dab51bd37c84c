"""The JSON API under /api/v1 (SPEC P1-P8): one NinjaAPI, a router per resource group."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.operation import Operation
from ninja.params.models import ParamModel

from salespipe.api import errors
from salespipe.api.auth import SessionAuth, TokenAuth
from salespipe.api.docs import OfflineSwagger, swagger_asset
from salespipe.api.routers import (
    boards,
    config,
    customers,
    exports,
    forecast,
    opportunities,
    opportunity_parts,
)

DESCRIPTION = """
Everything a user does in Salespipe, for integrations and scripts, with the same rules and
the same company scoping as the pages.

**Authentication**: `Authorization: Bearer <token>` with a token printed by
`python manage.py create_token USERNAME`, or the browser's session (writes then need the
`X-CSRFToken` header).

**Errors** are JSON with a readable `detail`. An object of a company you are not scoped on
answers 404, exactly as an id that does not exist. Invalid input answers 422 with each invalid
value in `errors`, and changes nothing.

**Lists** answer `{"items": [...], "next": cursor}`: pass `cursor=<next>` for the next page,
until `next` is null. `limit` is at most 500.
"""


class SalespipeAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name ("list_accounts") is unique and reads better than its module path.
        return operation.view_func.__name__

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[ParamModel]]
    ) -> ValidationError:
        error = super().validation_error_from_error_contexts(error_contexts)
        schema_params = {
            path[0]
            for context in error_contexts
            for path in getattr(context.model, "__ninja_flatten_map__", {}).values()
            if len(path) > 1
        }
        errors.drop_schema_names(error.errors, schema_params)
        return error

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        # ninja describes a status by its bare phrase; say what each one means here.
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) in errors.STATUS_DESCRIPTIONS:
                        response["description"] = errors.STATUS_DESCRIPTIONS[int(status)]
        return schema


api = SalespipeAPI(
    title="Salespipe API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    return swagger_asset(request, name)


api.add_router("/", config.router)
api.add_router("/", customers.router)
api.add_router("/", opportunities.router)
api.add_router("/", boards.router)
api.add_router("/", opportunity_parts.router)
api.add_router("/", forecast.router)
api.add_router("/", exports.router)


# Added last, so that it only catches what no operation took: JSON, not an HTML page.
fallback = Router(auth=None)


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:address}", include_in_schema=False
)
def unknown_address(request: HttpRequest, address: str) -> HttpResponse:  # noqa: ARG001 (a view is given its request)
    raise Http404(address)


api.add_router("/", fallback)
