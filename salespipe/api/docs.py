"""Interactive API docs (SPEC P2) that work offline and under the site's strict CSP.

django-ninja ships Swagger UI in its package; it is served from there, same origin, so that no
CDN is needed and `script-src 'self'` holds. The page itself runs no inline script: its
settings travel as a JSON data block read by our own `api/docs.js`.
"""

from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"
# Only these files can be asked for: the name never reaches the file system otherwise.
SWAGGER_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.svg": "image/svg+xml",
}
# The asset addresses carry ninja's version, so that they can be cached for good.
ASSETS_VERSION = ninja.__version__


class OfflineSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            "persistAuthorization": False,
        }
        context = {
            "api": api,
            "swagger_settings": settings,
            # Trying a write from the page with the session needs the CSRF token.
            "csrf_token_value": get_token(request),
            "assets_version": ASSETS_VERSION,
        }
        return render(request, "api/docs.html", context)


def swagger_asset(request: HttpRequest, name: str) -> FileResponse:  # noqa: ARG001 (a view is given its request)
    content_type = SWAGGER_ASSETS.get(name)
    if content_type is None:
        raise Http404(name)
    response = FileResponse((SWAGGER_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
