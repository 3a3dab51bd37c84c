// Autocomplete fields of the creation form and the sheet (SPEC O2, S2, S6): suggestions from a
// small JSON endpoint as one types, chosen with the mouse or the keyboard; *Create* when what
// was typed matches none and the server offers it; tags as chips, F2 for every tag, a tag
// created or edited from the field.
//
// Markup: a `[data-autocomplete]` root holding a hidden `[data-ac-value]` (the id posted), a
// text `[data-ac-input]` and a `role=listbox` list. The root says where to ask
// (`data-source`, with `{id}` replaced by the value of the field named in `data-depends`),
// where to create (`data-create-url`), which fields a choice fills (`data-fill`) or clears
// (`data-clears`). `data-multiple` makes it a tags field. Every listener is delegated, so
// fields drawn again by the server work without being set up again.
(function () {
  "use strict";

  const DELAY = 200;
  const state = new WeakMap();

  function messages() {
    return document.querySelector("[data-ac-messages]")?.dataset || {};
  }

  // Translated texts name their values in braces: "Remove the tag {name}".
  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, (_m, name) => String(values[name] ?? ""));
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function stateOf(root) {
    let current = state.get(root);
    if (!current) {
      current = { timer: 0, controller: null, items: [], active: -1, create: null };
      state.set(root, current);
    }
    return current;
  }

  const parts = (root) => ({
    value: root.querySelector("[data-ac-value]"),
    input: root.querySelector("[data-ac-input]"),
    list: root.querySelector("[role=listbox]"),
    chips: root.querySelector("[data-chips]"),
  });

  function changed(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function dependency(root) {
    const name = root.dataset.depends;
    if (!name) return "";
    const form = root.closest("form");
    const field = form ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    return field ? field.value.trim() : "";
  }

  function withDependency(root, template) {
    if (!template || !template.includes("{id}")) return template;
    const id = dependency(root);
    return id ? template.replace("{id}", encodeURIComponent(id)) : null;
  }

  // -- the list ----------------------------------------------------------------------------

  function close(root) {
    const { input, list } = parts(root);
    const current = stateOf(root);
    current.items = [];
    current.active = -1;
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function note(root, text) {
    const { input, list } = parts(root);
    const item = document.createElement("li");
    item.className = "ac-note";
    item.setAttribute("role", "presentation");
    item.textContent = text;
    list.replaceChildren(item);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function render(root, items, create) {
    const { input, list } = parts(root);
    const current = stateOf(root);
    current.items = items.slice();
    if (create) current.items.push({ create: true, label: create });
    current.active = -1;
    if (!current.items.length) {
      note(root, messages().msgNoMatch);
      return;
    }
    const nodes = current.items.map((item, index) => {
      const option = document.createElement("li");
      option.id = `${list.id}-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(index);
      option.className = item.create ? "ac-option ac-create" : "ac-option";
      const label = document.createElement("span");
      label.textContent = item.create ? `+ ${item.label}` : item.label;
      option.append(label);
      if (item.detail) {
        const detail = document.createElement("span");
        detail.className = "ac-detail";
        detail.textContent = item.detail;
        option.append(detail);
      }
      return option;
    });
    list.replaceChildren(...nodes);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function highlight(root, index) {
    const { input, list } = parts(root);
    const current = stateOf(root);
    if (!current.items.length) return;
    current.active = (index + current.items.length) % current.items.length;
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", i === current.active ? "true" : "false");
      if (i === current.active) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  async function search(root, everything) {
    const { input } = parts(root);
    const current = stateOf(root);
    const text = input.value.trim();
    const base = withDependency(root, root.dataset.source);
    if (base === null) {
      note(root, messages().msgDepends);
      return;
    }
    if (!text && !everything) {
      close(root);
      return;
    }
    const url = new URL(base, location.origin);
    if (everything) url.searchParams.set("all", "1");
    else url.searchParams.set("q", text);
    if (current.controller) current.controller.abort();
    current.controller = new AbortController();
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: current.controller.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      if (document.activeElement !== input) return;
      render(root, body.results || [], body.create || null);
    } catch (error) {
      if (error.name !== "AbortError") note(root, messages().msgNetwork);
    }
  }

  function schedule(root) {
    const current = stateOf(root);
    window.clearTimeout(current.timer);
    current.timer = window.setTimeout(() => search(root, false), DELAY);
  }

  // -- choosing ----------------------------------------------------------------------------

  function clearField(root) {
    const { value, input } = parts(root);
    if (value) {
      value.value = "";
      changed(value);
    }
    input.value = "";
    delete root.dataset.chosen;
  }

  function fill(root, item) {
    const form = root.closest("form");
    if (!form) return;
    for (const name of (root.dataset.fill || "").split(/\s+/).filter(Boolean)) {
      const offered = item.data ? item.data[name] : "";
      const field = form.querySelector(`[name="${CSS.escape(name)}"]`);
      if (field && offered) {
        field.value = offered;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
    for (const name of (root.dataset.clears || "").split(/\s+/).filter(Boolean)) {
      const value = form.querySelector(`[data-ac-value][name="${CSS.escape(name)}"]`);
      const other = value ? value.closest("[data-autocomplete]") : null;
      if (other && other !== root) clearField(other);
    }
  }

  function addChip(root, item) {
    const { chips, input } = parts(root);
    const id = String(item.id);
    if (!chips.querySelector(`[data-tag-id="${CSS.escape(id)}"]`)) {
      chips.append(chip(item));
    }
    input.value = "";
    changed(input);
  }

  function chip(item) {
    const texts = messages();
    const node = document.createElement("li");
    node.className = `tag chip tag-${item.id}`;
    node.dataset.tagChip = "";
    node.dataset.tagId = String(item.id);
    node.dataset.color = (item.data && item.data.color) || "";
    const name = document.createElement("button");
    name.type = "button";
    name.className = "chip-name";
    name.dataset.editTag = "";
    name.title = texts.msgEditTag || "";
    name.textContent = item.label;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove";
    remove.dataset.removeTag = "";
    remove.setAttribute("aria-label", format(texts.msgRemoveTag, { name: item.label }));
    remove.textContent = "×";
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "tags";
    hidden.value = String(item.id);
    node.append(name, remove, hidden);
    return node;
  }

  function choose(root, item) {
    const { value, input } = parts(root);
    close(root);
    if (root.hasAttribute("data-multiple")) {
      addChip(root, item);
    } else {
      value.value = String(item.id);
      input.value = item.label;
      root.dataset.chosen = item.label;
      fill(root, item);
      changed(value);
    }
    root.dispatchEvent(new CustomEvent("ac:select", { bubbles: true, detail: item }));
  }

  async function post(url, fields) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    const response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    let payload = {};
    try {
      payload = await response.json();
    } catch (_error) {
      payload = {};
    }
    return { ok: response.ok, payload };
  }

  function reloadTagStyles() {
    for (const link of document.querySelectorAll("link[data-tag-styles]")) {
      const url = new URL(link.href, location.origin);
      url.searchParams.set("v", String(Date.now()));
      link.href = url.toString();
    }
  }

  async function create(root) {
    const { input } = parts(root);
    const text = input.value.trim();
    const url = withDependency(root, root.dataset.createUrl);
    if (!text || !url) return;
    try {
      const { ok, payload } = await post(url, { name: text });
      if (!ok) {
        note(root, payload.detail || messages().msgError);
        return;
      }
      if (root.hasAttribute("data-multiple")) reloadTagStyles();
      choose(root, payload);
    } catch (_error) {
      note(root, messages().msgNetwork);
    }
  }

  function pick(root, index) {
    const item = stateOf(root).items[index];
    if (!item) return;
    if (item.create) create(root);
    else choose(root, item);
  }

  // -- events ------------------------------------------------------------------------------

  const rootOf = (target) => (target.closest ? target.closest("[data-autocomplete]") : null);

  document.addEventListener("input", (event) => {
    if (!event.target.matches || !event.target.matches("[data-ac-input]")) return;
    const root = rootOf(event.target);
    if (!root.hasAttribute("data-multiple") && event.target.value !== root.dataset.chosen) {
      // What was typed no longer names the record chosen: nothing is chosen until one is.
      const { value } = parts(root);
      if (value.value) {
        value.value = "";
        changed(value);
      }
    }
    schedule(root);
  });

  document.addEventListener("keydown", (event) => {
    if (!event.target.matches || !event.target.matches("[data-ac-input]")) return;
    const root = rootOf(event.target);
    const current = stateOf(root);
    const open = !parts(root).list.hidden;
    if (event.key === "F2") {
      event.preventDefault();
      search(root, true);
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open || !current.items.length) search(root, !event.target.value.trim());
      else highlight(root, current.active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(root, current.active - 1);
    } else if (event.key === "Enter" && open) {
      event.preventDefault();
      pick(root, current.active >= 0 ? current.active : 0);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(root);
    }
  });

  document.addEventListener("focusout", (event) => {
    if (!event.target.matches || !event.target.matches("[data-ac-input]")) return;
    const root = rootOf(event.target);
    window.setTimeout(() => {
      if (!root.contains(document.activeElement)) close(root);
    }, 150);
  });

  // A press on a suggestion must not take the focus from the input before the click.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest && event.target.closest(".ac-list")) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const option = event.target.closest && event.target.closest(".ac-option");
    if (option) {
      pick(rootOf(option), Number(option.dataset.index));
      return;
    }
    const remove = event.target.closest && event.target.closest("[data-remove-tag]");
    if (remove) {
      const root = rootOf(remove);
      remove.closest("[data-tag-chip]").remove();
      changed(parts(root).input);
      parts(root).input.focus();
      return;
    }
    const edit = event.target.closest && event.target.closest("[data-edit-tag]");
    if (edit) openTagDialog(edit.closest("[data-tag-chip]"));
  });

  // -- editing a tag from the field (O2) ---------------------------------------------------

  let editing = null;

  function openTagDialog(chipNode) {
    const dialog = document.querySelector("[data-tag-dialog]");
    if (!dialog || !chipNode) return;
    editing = chipNode;
    const form = dialog.querySelector("[data-tag-form]");
    form.elements.name.value = chipNode.querySelector(".chip-name").textContent.trim();
    form.elements.color.value = /^#[0-9a-f]{6}$/i.test(chipNode.dataset.color)
      ? chipNode.dataset.color
      : "#64748b";
    dialog.querySelector("[data-tag-error]").hidden = true;
    dialog.showModal();
    form.elements.name.focus();
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches || !form.matches("[data-tag-form]")) return;
    event.preventDefault();
    const dialog = form.closest("dialog");
    const root = editing ? rootOf(editing) : null;
    if (!editing || !root) return;
    const url = root.dataset.editUrl.replace("{id}", encodeURIComponent(editing.dataset.tagId));
    const error = dialog.querySelector("[data-tag-error]");
    try {
      const { ok, payload } = await post(url, {
        name: form.elements.name.value,
        color: form.elements.color.value,
      });
      if (!ok) {
        error.textContent = payload.detail || messages().msgError;
        error.hidden = false;
        return;
      }
      for (const node of document.querySelectorAll(
        `[data-tag-chip][data-tag-id="${CSS.escape(String(payload.id))}"]`
      )) {
        node.querySelector(".chip-name").textContent = payload.label;
        node.dataset.color = payload.data.color;
        node
          .querySelector("[data-remove-tag]")
          .setAttribute("aria-label", format(messages().msgRemoveTag, { name: payload.label }));
      }
      reloadTagStyles();
      dialog.close();
    } catch (_error) {
      error.textContent = messages().msgNetwork;
      error.hidden = false;
    }
  });

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest && event.target.closest("[data-tag-cancel]");
    if (cancel) cancel.closest("dialog").close();
  });
})();
