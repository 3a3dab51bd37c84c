// Starts Swagger UI from the settings the page carries as JSON (no inline script: strict CSP).
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  const csrfToken = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  // "Try it out" through the session needs the CSRF token for writes, like any form of the site.
  settings.requestInterceptor = function (request) {
    if (csrfToken && !request.headers.Authorization) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
