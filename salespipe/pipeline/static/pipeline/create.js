// The creation form (SPEC O1-O5): saved without leaving the page, so that an error comes back
// next to its field with everything typed, and mandatory fields of the stage chosen (or of a
// stage before it) are asked in the board's step-by-step dialog (O4). Declining them creates
// the opportunity in the first stage.
(function () {
  "use strict";

  const page = document.getElementById("create-page");
  const formHost = document.getElementById("create-form-host");
  const dialogHost = document.getElementById("create-dialog-host");
  const status = document.getElementById("create-status");
  if (!page || !formHost || !dialogHost || !status) return;

  const texts = page.dataset;
  const Steps = window.SalespipeSteps;

  function say(text) {
    status.textContent = "";
    if (text) window.setTimeout(() => (status.textContent = text), 50);
  }

  function csrfToken() {
    const input = page.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setBusy(busy) {
    page.querySelectorAll("button[type=submit], [data-fallback]").forEach((b) => (b.disabled = busy));
  }

  async function send(url, body) {
    setBusy(true);
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      });
    } catch (_error) {
      setBusy(false);
      say(texts.msgNetwork);
      return;
    }
    const redirect = response.headers.get("HX-Redirect");
    if (redirect) {
      window.location.assign(redirect);
      return;
    }
    const kind = response.headers.get("X-Fragment");
    const html = await response.text();
    setBusy(false);
    if (kind === "form") {
      closeDialog();
      formHost.innerHTML = html;
      if (window.htmx) window.htmx.process(formHost);
      const invalid = formHost.querySelector("[aria-invalid=true]");
      const alert = formHost.querySelector("[role=alert]");
      if (invalid) invalid.focus();
      say(alert ? alert.textContent.trim() : "");
    } else if (kind === "dialog") {
      showDialog(html);
    } else {
      say(texts.msgError);
    }
  }

  // -- O4's dialog, one step per stage ----------------------------------------------------

  function closeDialog() {
    for (const dialog of dialogHost.querySelectorAll("dialog")) {
      if (dialog.open) dialog.close();
      dialog.remove();
    }
  }

  function showDialog(html) {
    closeDialog();
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const dialog = template.content.querySelector("dialog");
    if (!dialog) {
      say(texts.msgError);
      return;
    }
    dialogHost.appendChild(dialog);
    dialog.addEventListener("close", () => {
      dialog.remove();
      const save = formHost.querySelector("[data-create-save]");
      if (save) save.focus();
    });
    dialog.showModal();
    Steps.start(dialog);
  }

  function saveDialog(dialog, form) {
    if (Steps.readyToSave(dialog)) send(form.action, new FormData(form));
  }

  dialogHost.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const dialog = button.closest("dialog");
    const form = dialog.querySelector("form");
    if (button.hasAttribute("data-cancel")) {
      dialog.close();
    } else if (button.hasAttribute("data-next")) {
      Steps.next(dialog);
    } else if (button.hasAttribute("data-back")) {
      Steps.back(dialog);
    } else if (button.hasAttribute("data-fallback")) {
      // O4: the fields are not given; the opportunity starts in the first stage.
      const body = new FormData(form);
      body.set("fallback", "1");
      send(form.action, body);
    }
  });

  // -- submitting --------------------------------------------------------------------------

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-create-form]")) {
      event.preventDefault();
      send(form.action, new FormData(form));
    } else if (form.matches("[data-create-dialog-form]")) {
      event.preventDefault();
      saveDialog(form.closest("dialog"), form);
    }
  });
})();
