// The opportunity sheet (SPEC S1-S8): fields in the left column saved from a bottom banner that
// shows while something is unsaved (and a warning before leaving then); tabs whose forms are
// sent without leaving the page, each answer being the part of the page to draw again.
//
// The server names what it sends in `X-Fragment` (see views/sheet.py). A change of the
// estimate bumps the opportunity's version: the left column takes the new version and figures
// only if it was drawn at the version the change started from, so that a save of the left
// column still detects what someone else changed in between.
(function () {
  "use strict";

  const sheet = document.getElementById("sheet");
  const body = document.getElementById("sheet-body");
  const status = document.getElementById("sheet-status");
  const banner = sheet ? sheet.querySelector("[data-save-banner]") : null;
  const confirmBox = document.getElementById("confirm-dialog");
  if (!sheet || !body || !status || !banner) return;

  document.documentElement.classList.add("js");
  const texts = sheet.dataset;
  const DECIMALS = new Set(["amount", "days"]);
  let leaving = false;

  const say = window.Salespipe.announcer(status);

  // The breadcrumb leads back to the board or calendar the sheet was opened from (board.js
  // keeps its address for this tab), at the card, which takes the focus there.
  function syncBack() {
    const link = sheet.querySelector("[data-sheet-back]");
    let from = null;
    try {
      from = sessionStorage.getItem(`salespipe:back:${texts.opportunity}`);
    } catch (error) {
      from = null;
    }
    if (link && from && from.startsWith("/") && !from.startsWith("//")) {
      link.href = `${from}#card-${texts.opportunity}`;
    }
  }
  syncBack();
  new MutationObserver(syncBack).observe(body, { childList: true });

  const fieldsForm = () => document.getElementById("sheet-fields");
  const panel = (name) => sheet.querySelector(`[data-tab-panel="${CSS.escape(name)}"]`);

  // -- unsaved changes (S2) ----------------------------------------------------------------

  function idSet(text) {
    return text
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .sort()
      .join(",");
  }

  function same(name, now, before) {
    const a = (now || "").trim();
    const b = (before || "").trim();
    if (name === "tags") return idSet(a) === idSet(b);
    if (DECIMALS.has(name) && a && b) return Number(a) === Number(b);
    return a === b;
  }

  function currentValue(form, name) {
    if (name === "tags") {
      return Array.from(form.querySelectorAll('input[name="tags"]'), (el) => el.value).join(",");
    }
    const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
    return field ? field.value : null;
  }

  function dirtyNames() {
    const form = fieldsForm();
    if (!form) return [];
    const names = [];
    for (const orig of form.querySelectorAll('input[type=hidden][name^="orig-"]')) {
      const name = orig.name.slice(5);
      const now = currentValue(form, name);
      if (now !== null && !same(name, now, orig.value)) names.push(name);
    }
    return names;
  }

  function refreshBanner() {
    const dirty = dirtyNames().length > 0;
    banner.hidden = !dirty;
    document.body.classList.toggle("has-banner", dirty);
  }

  window.addEventListener("beforeunload", (event) => {
    if (!leaving && dirtyNames().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The general estimate of the Amounts tab shows the left column's amount, days and currency.
  function syncMirrors() {
    const form = fieldsForm();
    for (const mirror of sheet.querySelectorAll("[data-mirror]")) {
      const field = form ? form.querySelector(`[name="${CSS.escape(mirror.dataset.mirror)}"]`) : null;
      if (field && mirror.value !== field.value) mirror.value = field.value;
    }
  }

  function onEdit(event) {
    const target = event.target;
    if (target.matches && target.matches("[data-mirror]")) {
      const form = fieldsForm();
      const field = form.querySelector(`[name="${CSS.escape(target.dataset.mirror)}"]`);
      if (field && field.value !== target.value) field.value = target.value;
    }
    if (target.closest && target.closest("#sheet-fields")) syncMirrors();
    refreshBanner();
  }

  sheet.addEventListener("input", onEdit);
  sheet.addEventListener("change", onEdit);

  // -- talking to the server ---------------------------------------------------------------

  function activeTab() {
    const tab = sheet.querySelector('[role=tab][aria-selected="true"]');
    return tab ? tab.dataset.tab : "amounts";
  }

  // What a redrawn part says, once: an alert drawn in the page is read and seen where it
  // is, so the floating status doesn't repeat it.
  function announce(container) {
    const flash = container.querySelector("[data-flash], [data-message]:not([role=alert])");
    if (flash) say(flash.textContent.trim());
  }

  // The left column takes the estimate's new version and figures if it was drawn at the
  // version the change started from (see the top of this file).
  function applyFigures(container) {
    const template = container.querySelector("template[data-figures]");
    const form = fieldsForm();
    if (!template || !form || !template.dataset.versionBefore) return;
    const version = form.querySelector("input[name=version]");
    if (!version || version.value !== template.dataset.versionBefore) return;
    version.value = template.dataset.version;
    for (const fresh of template.content.querySelectorAll("[data-field]")) {
      const old = form.querySelector(`[data-field="${CSS.escape(fresh.dataset.field)}"]`);
      if (old) old.replaceWith(document.importNode(fresh, true));
    }
  }

  function defaultOf(field) {
    if (field.tagName !== "SELECT") return field.defaultValue;
    const chosen = Array.from(field.options).find((option) => option.defaultSelected);
    return chosen ? chosen.value : field.options.length ? field.options[0].value : "";
  }

  function setDefault(field, fresh) {
    if (field.tagName !== "SELECT") {
      field.defaultValue = fresh.defaultValue;
      return;
    }
    for (const option of field.options) option.defaultSelected = option.value === fresh.value;
  }

  // A line's sale type decides which of its numbers it takes (S3).
  function applyMode(select) {
    const mode = select.selectedOptions[0] ? select.selectedOptions[0].dataset.mode : "";
    const row = select.closest("tr");
    const taken = { quantity: ["quantity", "unit_price"], days: ["days", "amount"], amount: ["amount"] }[mode] || [];
    for (const field of row.querySelectorAll("[data-number]")) {
      const computed = mode === "quantity" && field.name === "amount";
      field.disabled = !computed && !taken.includes(field.name);
      field.readOnly = computed;
    }
  }

  // The Amounts tab drawn again in place when only values changed: the field being typed in
  // is never replaced under the user's fingers, and keeps what is being typed.
  function shape(root) {
    const amounts = root.querySelector("[data-amounts]");
    if (!amounts) return "";
    const rows = Array.from(root.querySelectorAll("tbody tr"), (row) => row.dataset.line || row.className);
    const notes = root.querySelectorAll("[data-message], .field-error").length;
    return [amounts.dataset.detailed, amounts.dataset.currency, rows.join(","), notes].join("|");
  }

  function drawAmounts(html) {
    const target = panel("amounts");
    const fresh = document.createElement("template");
    fresh.innerHTML = html;
    if (!shape(target) || shape(target) !== shape(fresh.content)) {
      target.innerHTML = html;
      applyFigures(target);
      return;
    }
    for (const field of fresh.content.querySelectorAll("input[id], select[id]")) {
      const old = document.getElementById(field.id);
      if (!old || !target.contains(old) || old.tagName !== field.tagName) continue;
      // A value changed here and not yet saved stays: its own save is on its way.
      const dirty = old.value !== defaultOf(old);
      const kept = old.value;
      setDefault(old, field);
      old.value = dirty ? kept : field.value;
      old.readOnly = field.readOnly;
      old.disabled = field.disabled;
    }
    target.querySelectorAll('select[name="sale_type"]').forEach(applyMode);
    const versions = target.querySelectorAll("input[name=version]");
    fresh.content.querySelectorAll("input[name=version]").forEach((input, index) => {
      if (versions[index]) versions[index].value = input.value;
    });
    const questions = target.querySelectorAll("[data-confirm]");
    fresh.content.querySelectorAll("[data-confirm]").forEach((element, index) => {
      if (questions[index]) questions[index].dataset.confirm = element.dataset.confirm;
    });
    const totals = target.querySelectorAll("[data-total]");
    fresh.content.querySelectorAll("[data-total]").forEach((cell, index) => {
      if (totals[index]) totals[index].textContent = cell.textContent;
    });
    target.querySelector("template[data-figures]").replaceWith(
      fresh.content.querySelector("template[data-figures]")
    );
    applyFigures(target);
  }

  // Queued like every other request: the page never sends two at once.
  function refreshTab(name) {
    queue = queue.then(() => fetchTab(name));
  }

  async function fetchTab(name) {
    const url = `${texts.sheetUrl}?fragment=${encodeURIComponent(name)}`;
    // Without an answer the tab keeps what it showed; the next change draws it again.
    const answer = await window.Salespipe.send(url);
    if (answer && answer.response.ok) panel(name).innerHTML = answer.html;
  }

  function selectTab(name, focus) {
    for (const tab of sheet.querySelectorAll("[role=tab]")) {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    }
    for (const element of sheet.querySelectorAll("[data-tab-panel]")) {
      element.hidden = element.dataset.tabPanel !== name;
    }
    const url = new URL(location.href);
    url.searchParams.set("tab", name);
    history.replaceState(null, "", url);
  }

  // What the user is in when an answer arrives: the same field, with what is being typed.
  // A button drawn again has no id to be found by: its form's first field takes the focus
  // (after adding an action, the form for the next one), or else the open tab; the focus is
  // never left on the page's body.
  function rememberFocus() {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const typing = "value" in element && "defaultValue" in element && element.value !== element.defaultValue;
    const first = element.form && element.form.querySelector("input[id], select[id], textarea[id]");
    return { id: element.id, value: element.value, typing, first: first ? first.id : "" };
  }

  function restoreFocus(remembered) {
    if (!remembered || (document.activeElement && document.activeElement !== document.body)) return;
    const again = (remembered.id && document.getElementById(remembered.id)) || null;
    if (again) {
      if (remembered.typing) again.value = remembered.value;
      again.focus();
      return;
    }
    const fallback =
      (remembered.first && document.getElementById(remembered.first)) ||
      sheet.querySelector('[role=tab][aria-selected="true"]');
    if (fallback) fallback.focus();
  }

  // One request at a time: a line saved while the previous one is on its way waits for it,
  // then goes with the version that answer brought, instead of being refused as stale.
  let queue = Promise.resolve();

  function send(url, options) {
    queue = queue.then(() => exchange(url, options));
    return queue;
  }

  function estimateVersion() {
    const template = panel("amounts")?.querySelector("template[data-figures]");
    return template ? template.dataset.version : "";
  }

  async function exchange(url, options) {
    if (options.body instanceof FormData && options.body.has("version") && options.estimate) {
      options.body.set("version", estimateVersion());
    }
    const answer = await window.Salespipe.send(url, { method: options.method, body: options.body });
    if (!answer) {
      say(texts.msgNetwork);
      return;
    }
    if (answer.redirect) {
      leaving = true;
      window.location.assign(answer.redirect);
      return;
    }
    const { response, kind, html } = answer;
    const focused = rememberFocus();
    if (kind === "sheet") {
      const tab = activeTab();
      body.innerHTML = html;
      selectTab(tab, false);
      announce(body);
    } else if (kind === "fields") {
      fieldsForm().innerHTML = html;
      const invalid = fieldsForm().querySelector("[aria-invalid=true], .has-conflict input");
      if (invalid) invalid.focus();
      announce(fieldsForm());
    } else if (kind === "amounts") {
      drawAmounts(html);
      if (response.ok) refreshTab("history");
      announce(panel(kind));
    } else if (kind && panel(kind)) {
      panel(kind).innerHTML = html;
      const invalid = panel(kind).querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
      announce(panel(kind));
    } else if (kind === "message") {
      say(html);
    } else {
      say(texts.msgError);
    }
    syncMirrors();
    refreshBanner();
    restoreFocus(focused);
  }

  function ask(text, okLabel) {
    if (!confirmBox) return Promise.resolve(window.confirm(text));
    return new Promise((resolve) => {
      confirmBox.querySelector("[data-confirm-text]").textContent = text;
      confirmBox.querySelector("[data-confirm-ok]").textContent = okLabel || texts.msgConfirm;
      confirmBox.returnValue = "";
      confirmBox.addEventListener("close", () => resolve(confirmBox.returnValue === "ok"), {
        once: true,
      });
      confirmBox.showModal();
      confirmBox.querySelector("[data-confirm-ok]").focus();
    });
  }

  // -- forms -------------------------------------------------------------------------------

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!sheet.contains(form) || form.method === "dialog") return;
    if (form.id === "sheet-fields") {
      event.preventDefault();
      send(form.action, { method: "POST", body: new FormData(form) });
      return;
    }
    if (form.matches("[data-upload-form]")) {
      event.preventDefault();
      upload(form, form.querySelector("[data-file-input]").files);
      return;
    }
    if (!form.matches("[data-sheet-form]")) return;
    event.preventDefault();
    const submitter = event.submitter;
    const figures = ["amount", "days", "currency"];
    if (form.hasAttribute("data-needs-figures") && dirtyNames().some((n) => figures.includes(n))) {
      say(texts.msgSaveFirst);
      return;
    }
    const question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question) {
      const okLabel = (submitter && submitter.dataset.confirmOk) || form.dataset.confirmOk;
      if (!(await ask(question, okLabel))) return;
    }
    const data = new FormData(form);
    if (submitter && submitter.name) data.set(submitter.name, submitter.value);
    const estimate = Boolean(form.closest("[data-amounts]") || form.id.startsWith("line-"));
    send(form.action, { method: "POST", body: data, estimate });
  });

  // A line is saved as soon as one of its fields is left changed (its value differs from the
  // one the server drew, even when that value was kept across a redraw), or a choice is made.
  document.addEventListener("focusout", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input[data-line-input]") || !input.isConnected) return;
    if (input.form && input.value !== input.defaultValue) input.form.requestSubmit();
  });

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("select[data-line-input]") || !input.form) return;
    if (input.name === "sale_type") applyMode(input);
    input.form.requestSubmit();
  });

  // -- tabs, menu, discard -----------------------------------------------------------------

  sheet.addEventListener("click", async (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) {
      event.preventDefault();
      selectTab(tab.dataset.tab, true);
      return;
    }
    const toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      const menu = document.getElementById(toggle.getAttribute("aria-controls"));
      const open = menu.hidden;
      menu.hidden = !open;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) menu.querySelector("[role=menuitem]").focus();
      return;
    }
    if (event.target.closest("[data-delete-opportunity]")) {
      const menu = event.target.closest("[role=menu]");
      menu.hidden = true;
      if (!(await ask(texts.msgDeleteText, texts.msgDelete))) return;
      const data = new FormData();
      data.set("version", fieldsForm().querySelector("input[name=version]").value);
      send(texts.deleteUrl, { method: "POST", body: data });
      return;
    }
    if (event.target.closest("[data-discard]")) {
      // The fields as stored, after any save still on its way.
      send(`${texts.sheetUrl}?fragment=fields`, { method: "GET" });
    }
  });

  sheet.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest("[role=tab]");
    if (tab && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
      const tabs = Array.from(sheet.querySelectorAll("[role=tab]"));
      const step = event.key === "ArrowRight" ? 1 : -1;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      selectTab(next.dataset.tab, true);
    }
    if (event.key === "Escape") {
      const menu = sheet.querySelector("[role=menu]:not([hidden])");
      if (menu) {
        menu.hidden = true;
        sheet.querySelector("[data-menu-toggle]").focus();
      }
    }
  });

  // -- documents (S5) ----------------------------------------------------------------------

  async function upload(form, files) {
    for (const file of Array.from(files || [])) {
      const data = new FormData();
      data.set("csrfmiddlewaretoken", window.Salespipe.csrfToken());
      data.set("file", file, file.name);
      await send(form.action, { method: "POST", body: data });
      form = sheet.querySelector("[data-upload-form]");
    }
  }

  sheet.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-file-input]")) {
      upload(event.target.form, event.target.files);
    }
  });

  sheet.addEventListener("dragover", (event) => {
    const zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("drop-over");
  });

  sheet.addEventListener("dragleave", (event) => {
    const zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone) zone.classList.remove("drop-over");
  });

  sheet.addEventListener("drop", (event) => {
    const zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("drop-over");
    upload(zone.closest("form"), event.dataTransfer.files);
  });

  // -- contacts (S6): an account chosen lists its contacts ---------------------------------

  sheet.addEventListener("ac:select", async (event) => {
    const form = event.target.closest("[data-link-contact]");
    if (!form) return;
    const select = form.querySelector("[data-contact-choices]");
    const url = new URL(select.dataset.source.replace("{id}", encodeURIComponent(event.detail.id)), location.origin);
    url.searchParams.set("all", "1");
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      const payload = await response.json();
      const options = (payload.results || []).map((item) => {
        const option = document.createElement("option");
        option.value = String(item.id);
        option.textContent = item.detail ? `${item.label} — ${item.detail}` : item.label;
        return option;
      });
      const placeholder = document.createElement("option");
      placeholder.value = "";
      placeholder.textContent = "—";
      select.replaceChildren(placeholder, ...options);
      select.disabled = false;
      select.focus();
    } catch (_error) {
      say(texts.msgNetwork);
    }
  });

  refreshBanner();
})();
