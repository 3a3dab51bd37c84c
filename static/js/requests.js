// What every page script shares (SPEC B21): requests that carry the CSRF token, say they
// come from a script (`HX-Request`) and name this page for the live feed (`X-Live-Origin`),
// and announcements read politely by screen readers.
(function () {
  "use strict";

  // This page, among every open page: the live feed tells it which changes it made itself.
  const origin =
    window.crypto && window.crypto.randomUUID
      ? window.crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(16).slice(2)}`;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (_error) {
      return "";
    }
  }

  // The answer as { response, kind, html, redirect }: `kind` is the fragment the server
  // names in `X-Fragment`, `redirect` the page it sends the browser to (`HX-Redirect`), which
  // the caller opens once it has done what leaving needs. Null when the network failed.
  async function send(url, options) {
    const settings = options || {};
    let response;
    try {
      response = await fetch(url, {
        method: settings.method || "GET",
        body: settings.body,
        signal: settings.signal,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "X-Live-Origin": origin },
      });
    } catch (_error) {
      return null;
    }
    return {
      response,
      kind: response.headers.get("X-Fragment"),
      html: await response.text(),
      redirect: response.headers.get("HX-Redirect"),
    };
  }

  // A function that says a text in `status`, a polite live region; emptied first, so that
  // the same message twice is read twice. With `clearAfter` (ms), a message shown over the
  // page goes once read.
  function announcer(status, clearAfter) {
    return function say(text) {
      status.textContent = "";
      if (!text) return;
      window.setTimeout(() => (status.textContent = text), 50);
      if (clearAfter) {
        window.setTimeout(() => {
          if (status.textContent === text) status.textContent = "";
        }, clearAfter);
      }
    };
  }

  window.Salespipe = { origin, csrfToken, send, announcer };
})();
