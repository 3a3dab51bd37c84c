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

  const say = window.Salespipe.announcer(status);

  function setBusy(busy) {
    page.querySelectorAll("button[type=submit], [data-fallback]").forEach((b) => (b.disabled = busy));
  }

  async function send(url, body) {
    setBusy(true);
    const answer = await window.Salespipe.send(url, { method: "POST", body });
    if (!answer) {
      setBusy(false);
      say(texts.msgNetwork);
      return;
    }
    if (answer.redirect) {
      window.location.assign(answer.redirect);
      return;
    }
    const { kind, html } = answer;
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
