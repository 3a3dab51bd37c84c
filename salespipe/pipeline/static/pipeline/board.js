// The portfolio board (SPEC B14-B22) and the signature calendar (C1-C5): native drag and
// drop, keyboard and menu moves, the dialogs the server sends when a move needs values,
// shown one step at a time, and colleagues' changes as they happen (B21).
//
// Nothing moves on the page before the server has answered: it sends back what the change
// changed (the cards, the columns' totals, the summary; 200, or 409/422 with the reason), or
// a dialog (422). A colleague's change comes through the live feed as ids only, and the page
// asks for what it shows of them the same way. Every listener is delegated, so a board of
// thousands of cards costs no more than one of ten.
(function () {
  "use strict";

  const app = document.getElementById("board-app");
  const board = document.getElementById("board");
  const host = document.getElementById("dialog-host");
  const status = document.getElementById("board-status");
  const menu = document.getElementById("card-menu");
  const filtersForm = document.getElementById("board-filters");
  if (!app || !board || !host || !status) return;

  const Steps = window.SalespipeSteps;
  const Salespipe = window.Salespipe;
  const base = app.dataset.transitionBase;
  const scheduleBase = app.dataset.scheduleBase;
  // "board" or "calendar": also the name of the fragment that draws this page's body.
  const view = app.dataset.view || "board";
  // Messages float over the board's foot (board.css) for ten seconds.
  const say = Salespipe.announcer(status, 10000);
  let dragged = null;
  let lastFocus = null;
  // The card whose dialog or menu is open: a colleague's change to it waits until it closes.
  let cardInDialog = null;

  // -- messages and focus ------------------------------------------------------------------

  // Translated texts name their values in braces: "Move to {stage}".
  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, (_match, name) =>
      values[name] === undefined ? "" : String(values[name])
    );
  }

  function cardById(id) {
    return board.querySelector(`[data-card][data-id="${CSS.escape(String(id))}"]`);
  }

  function cardName(card) {
    const name = card && card.querySelector(".card-name");
    return name ? name.textContent.trim() : "";
  }

  function visibleCards(container) {
    return Array.from(container.querySelectorAll("[data-card]")).filter((card) => !card.hidden);
  }

  // Columns are stages on the board, months (and *No date*) on the calendar.
  function columns() {
    return Array.from(board.querySelectorAll("[data-column]"));
  }

  function columnKey(column) {
    if (column.dataset.overdue !== undefined) return "overdue";
    return column.dataset.month !== undefined
      ? `month:${column.dataset.month}`
      : `stage:${column.dataset.stage}`;
  }

  function columnOf(card) {
    return card.closest("[data-column]");
  }

  function rememberFocus(card) {
    const column = columnOf(card);
    lastFocus = {
      id: card.dataset.id,
      column: column ? columnKey(column) : "",
      index: column ? visibleCards(column).indexOf(card) : 0,
    };
  }

  // The same card in its new place; if it left the page, the card after it, else its column.
  function restoreFocus() {
    if (!lastFocus) return;
    let target = cardById(lastFocus.id);
    if (!target || target.hidden) {
      const column = columns().find((candidate) => columnKey(candidate) === lastFocus.column);
      if (column) {
        const cards = visibleCards(column);
        target = cards[Math.min(lastFocus.index, cards.length - 1)] || column;
        if (target === column) column.setAttribute("tabindex", "-1");
      }
    }
    if (target) target.focus({ preventScroll: false });
  }

  // -- talking to the server ---------------------------------------------------------------

  // An address of this page's: what it shows (its own address's parameters) goes with every
  // request, so that the answer is drawn for it; the calendar says it is the calendar.
  function pageUrl(url) {
    const address = new URL(url, location.href);
    for (const [name, value] of new URLSearchParams(location.search)) {
      if (!address.searchParams.has(name)) address.searchParams.append(name, value);
    }
    if (view === "calendar") address.searchParams.set("view", "calendar");
    return address.pathname + address.search;
  }

  function messageOf(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const message = template.content.querySelector("[data-board-message]");
    return message ? message.textContent.trim() : "";
  }

  function swapBoard(html) {
    board.innerHTML = html;
    if (window.htmx) window.htmx.process(board);
    const message = board.querySelector("[data-board-message]");
    if (message) say(message.textContent.trim());
    document.dispatchEvent(new CustomEvent("board:updated"));
    restoreFocus();
    live.follow();
  }

  async function refresh() {
    const answer = await Salespipe.send(location.pathname + location.search);
    // Without an answer the page stays as it was; the message about it is already shown.
    if (answer && answer.response.ok && answer.kind === view) swapBoard(answer.html);
  }

  // What a change changed: cards out of their old place and into their new one, every
  // column's totals and the summary, as the answer's out-of-band swaps say.
  function applyChanges(html) {
    const focused = document.activeElement;
    const focusedCard = focused && focused.matches && focused.matches("[data-card]") ? focused : null;
    window.htmx.swap(board, html, { swapStyle: "none" });
    document.dispatchEvent(new CustomEvent("board:updated"));
    // A card redrawn under the keyboard keeps it, wherever it went.
    if (focusedCard && !focusedCard.isConnected) {
      const again = cardById(focusedCard.dataset.id);
      if (again) again.focus({ preventScroll: true });
    }
  }

  async function request(url, options) {
    const answer = await Salespipe.send(pageUrl(url), options);
    if (!answer) {
      say(app.dataset.msgNetwork);
      board.querySelectorAll("[aria-busy]").forEach((el) => el.removeAttribute("aria-busy"));
      restoreFocus();
      return;
    }
    const { response, kind, html } = answer;
    if (kind !== "dialog" && !host.querySelector("dialog[open]")) {
      // Its change answered: the card is no longer in the user's hands.
      cardInDialog = null;
      live.release();
    }
    if (kind === "changes") {
      closeDialogs();
      applyChanges(html);
      say(messageOf(html));
      restoreFocus();
    } else if (kind === "dialog") {
      showDialog(html);
    } else {
      closeDialogs();
      say(response.status === 404 ? app.dataset.msgGone : app.dataset.msgError);
      await refresh();
    }
  }

  function post(url, body) {
    return request(url, { method: "POST", body });
  }

  function transition(card, action, fields) {
    rememberFocus(card);
    cardInDialog = card.dataset.id;
    const body = new FormData();
    body.append("version", card.dataset.version);
    for (const [name, value] of Object.entries(fields || {})) body.append(name, value);
    card.setAttribute("aria-busy", "true");
    return post(`${base}${card.dataset.id}/${action}/`, body);
  }

  // C3: to the last day of `month` ("YYYY-MM"), or without a date ("").
  // From the board (`answerFor` "board"), the answer is drawn for the board.
  function schedule(card, month, answerFor) {
    rememberFocus(card);
    const body = new FormData();
    body.append("version", card.dataset.version);
    body.append("month", month);
    card.setAttribute("aria-busy", "true");
    const forBoard = answerFor === "board" ? "?view=board" : "";
    return post(`${scheduleBase}${card.dataset.id}/schedule/${forBoard}`, body);
  }

  // -- colleagues' changes (B21) -----------------------------------------------------------

  const live = (function () {
    // As many as the server answers for at once (views/changes.py, MAX_IDS).
    const MAX_IDS = 100;
    let source = null;
    let address = "";
    const waiting = new Set();
    let timer = null;

    // Asks for what this page shows of the changed cards, unless one is in the user's hands.
    async function flush() {
      timer = null;
      const held = new Set([dragged && dragged.dataset.id, cardInDialog].filter(Boolean));
      const ids = Array.from(waiting).filter((id) => !held.has(id));
      if (!ids.length) return;
      ids.forEach((id) => waiting.delete(id));
      if (ids.length > MAX_IDS) {
        // More than the page asks for one by one: drawn again whole.
        await refresh();
        return;
      }
      const names = new Map(ids.map((id) => [id, cardName(cardById(id))]));
      const params = new URLSearchParams({ ids: ids.join(",") });
      const answer = await Salespipe.send(pageUrl(`${app.dataset.changesUrl}?${params}`));
      if (!answer || !answer.response.ok || answer.kind !== "changes") {
        // Asked again with the next change, or at the next try.
        ids.forEach((id) => waiting.add(id));
        retry();
        return;
      }
      applyChanges(answer.html);
      const changed = ids
        .map((id) => cardName(cardById(id)) || names.get(id))
        .filter(Boolean);
      if (changed.length) say(format(app.dataset.msgLiveChanged, { names: changed.join(", ") }));
    }

    function schedule() {
      if (timer === null) timer = window.setTimeout(flush, 150);
    }

    function retry() {
      if (timer === null) timer = window.setTimeout(flush, 5000);
    }

    function heard(event) {
      let change;
      try {
        change = JSON.parse(event.data);
      } catch (_error) {
        return;
      }
      // This page drew its own changes from the answer it got.
      if (change.origin === Salespipe.origin) return;
      const id = String(change.opportunity);
      const card = cardById(id);
      if (card && change.kind !== "deleted" && Number(card.dataset.version) > change.version) return;
      if (!card && change.kind === "deleted") return;
      waiting.add(id);
      if (card && (id === cardInDialog || card === dragged)) {
        say(format(app.dataset.msgLiveHeld, { name: cardName(card) }));
      }
      schedule();
    }

    // Opens the feed of what the page shows now; again when a redraw changed its address.
    function follow() {
      const body = board.querySelector("[data-board-body]");
      const wanted = body ? body.dataset.liveUrl || "" : "";
      if (wanted === address && source) return;
      if (source) source.close();
      source = null;
      address = wanted;
      if (!wanted || !window.EventSource) return;
      source = new EventSource(wanted);
      source.addEventListener("change", heard);
      // More was missed than is worth asking for card by card.
      source.addEventListener("reload", () => refresh());
      source.addEventListener("error", () => {
        // The browser tries again by itself, unless the server answered with an error (a
        // restart, the proxy during a deploy): then the page opens it again itself, later,
        // and draws itself again for what it missed meanwhile.
        if (!source || source.readyState !== EventSource.CLOSED) return;
        source = null;
        window.setTimeout(() => {
          address = "";
          follow();
          refresh();
        }, 5000);
      });
    }

    return { follow, release: schedule };
  })();

  // -- dialogs -----------------------------------------------------------------------------

  function closeDialogs() {
    for (const dialog of host.querySelectorAll("dialog")) {
      dialog.dataset.done = "1";
      if (dialog.open) dialog.close();
      dialog.remove();
    }
  }

  // The won stage chosen decides which of its own fields are asked (B16).
  function syncConditional(dialog) {
    const select = dialog.querySelector('[data-step="won"] select[name="stage"]');
    for (const group of dialog.querySelectorAll("[data-when-stage]")) {
      const on = select !== null && select.value === group.dataset.whenStage;
      group.hidden = !on;
      group.querySelectorAll("input, select, textarea").forEach((field) => (field.disabled = !on));
    }
  }

  function showDialog(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const dialog = template.content.querySelector("dialog");
    if (!dialog) {
      say(app.dataset.msgError);
      return;
    }
    // A dialog sent back after a refused Save replaces the one it answers; lists stay below.
    for (const open of host.querySelectorAll("dialog:not([data-closed-dialog])")) {
      open.dataset.done = "1";
      if (open.open) open.close();
      open.remove();
    }
    host.appendChild(dialog);
    if (window.htmx) window.htmx.process(dialog);
    dialog.addEventListener("close", () => {
      const cancelled = !dialog.dataset.done;
      dialog.remove();
      if (!host.querySelector("dialog[open]")) {
        cardInDialog = null;
        live.release();
      }
      if (cancelled) {
        board.querySelectorAll("[aria-busy]").forEach((el) => el.removeAttribute("aria-busy"));
        if (!host.querySelector("dialog[open]")) restoreFocus();
      }
    });
    dialog.showModal();
    if (dialog.hasAttribute("data-steps-dialog")) {
      syncConditional(dialog);
      Steps.start(dialog);
    } else {
      const form = dialog.querySelector("form[data-dialog-form]:not([hidden])");
      Steps.focusFirst(form || dialog);
    }
  }

  function save(dialog, form) {
    if (dialog && dialog.hasAttribute("data-steps-dialog")) {
      if (!Steps.readyToSave(dialog)) return;
    } else {
      for (const field of form.querySelectorAll("input, select, textarea")) {
        if (!field.disabled && !field.checkValidity()) {
          field.reportValidity();
          return;
        }
      }
    }
    form.querySelectorAll("button[type=submit]").forEach((button) => (button.disabled = true));
    post(form.action, new FormData(form));
  }

  host.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    const dialog = target.closest("dialog");
    if (target.hasAttribute("data-cancel")) {
      dialog.close();
    } else if (target.hasAttribute("data-next")) {
      Steps.next(dialog);
    } else if (target.hasAttribute("data-back")) {
      Steps.back(dialog);
    } else if (target.hasAttribute("data-reveal-new-action")) {
      const form = dialog.querySelector("[data-new-action]");
      form.hidden = false;
      const buttons = dialog.querySelector("[data-new-action-buttons]");
      if (buttons) buttons.hidden = true;
      Steps.focusFirst(form);
    } else if (target.dataset.openDialog) {
      request(target.dataset.openDialog, { method: "GET" });
    }
  });

  host.addEventListener("change", (event) => {
    const dialog = event.target.closest("dialog");
    if (dialog && event.target.matches('select[name="stage"]')) syncConditional(dialog);
  });

  host.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-dialog-form]");
    if (!form) return;
    event.preventDefault();
    save(form.closest("dialog"), form);
  });

  // -- drag and drop (B14, B15) ------------------------------------------------------------

  function clearDropTargets() {
    document.querySelectorAll(".drop-over").forEach((el) => el.classList.remove("drop-over"));
  }

  function endDrag() {
    if (dragged) dragged.classList.remove("is-dragged");
    dragged = null;
    document.body.classList.remove("is-dragging");
    clearDropTargets();
    live.release();
  }

  board.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest("[data-card]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.id);
    // Changing the page inside dragstart would cancel the drag; the next frame is safe.
    window.requestAnimationFrame(() => {
      if (dragged !== card) return;
      card.classList.add("is-dragged");
      document.body.classList.add("is-dragging");
    });
  });

  document.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const zone = event.target.closest && event.target.closest("[data-drop]");
    if (!zone) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("drop-over")) {
      clearDropTargets();
      zone.classList.add("drop-over");
    }
  });

  document.addEventListener("drop", (event) => {
    if (!dragged) return;
    const zone = event.target.closest && event.target.closest("[data-drop]");
    if (!zone) return;
    event.preventDefault();
    const card = dragged;
    endDrag();
    drop(card, zone.dataset.drop, zone.dataset);
  });

  document.addEventListener("dragend", endDrag);

  // `target` names where the card goes: a `stage` on the board, a `month` on the calendar.
  function drop(card, action, target) {
    if (action === "move") {
      const stage = target.stage;
      if (!stage || stage === card.dataset.stage) return;
      transition(card, "move", { stage });
    } else if (action === "schedule") {
      const month = target.month;
      if (month === undefined || month === cardMonth(card)) return;
      schedule(card, month);
    } else if (action === "win" || action === "lose" || action === "delete") {
      transition(card, action, {});
    } else if (action === "refuse") {
      // *Overdue* and a month already over take no card: a drop can't set a past date.
      say(target.refusal);
    }
  }

  // -- months of the calendar (C1-C3) ------------------------------------------------------

  // The month of the column a card is in: "YYYY-MM", "" under *No date*, "overdue".
  function cardMonth(card) {
    const column = columnOf(card);
    if (column && column.dataset.overdue !== undefined) return "overdue";
    return column && column.dataset.month !== undefined ? column.dataset.month : null;
  }

  function shiftMonth(month, step) {
    const [year, number] = month.split("-").map(Number);
    const index = year * 12 + (number - 1) + step;
    const shifted = Math.floor(index / 12);
    return `${String(shifted).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
  }

  // Shift+arrows on the calendar: the month before or after; from *No date* or *Overdue*,
  // the first shown.
  function neighbourMonth(card, step) {
    const month = cardMonth(card);
    if (month === null) return null;
    if (month === "" || month === "overdue") {
      const first = columns().find(
        (column) => column.dataset.month && column.dataset.drop === "schedule"
      );
      return step > 0 && first ? first.dataset.month : null;
    }
    return shiftMonth(month, step);
  }

  // Every month a card can be dropped on, *No date* first, then in order, each once.
  function monthTargets() {
    const byMonth = new Map();
    for (const target of board.querySelectorAll('[data-drop="schedule"]')) {
      if (!byMonth.has(target.dataset.month)) byMonth.set(target.dataset.month, target);
    }
    return Array.from(byMonth.values()).sort((a, b) =>
      a.dataset.month < b.dataset.month ? -1 : a.dataset.month > b.dataset.month ? 1 : 0
    );
  }

  // -- keyboard and card menu (B20, B22) ---------------------------------------------------

  // One Tab stop per column (the WAI-ARIA roving tabindex): the card last focused in it, or
  // its first; the arrows go from card to card and column to column. Cards come and go
  // (answers, live changes, *Show more*, live search hiding them): the stops follow.
  const stopOf = new Map();

  // The server draws every card out of the Tab order and what it holds in it, so that a page
  // whose script didn't run still reaches each sheet; here what a card holds leaves it too.
  function syncColumn(column) {
    const cards = visibleCards(column);
    const stop = cards.find((card) => card.dataset.id === stopOf.get(columnKey(column))) || cards[0];
    for (const card of column.querySelectorAll("[data-card]")) {
      const index = card === stop ? 0 : -1;
      if (card.tabIndex !== index) card.tabIndex = index;
      for (const control of card.querySelectorAll("a, button")) {
        if (control.tabIndex !== -1) control.tabIndex = -1;
      }
    }
  }

  function syncStops() {
    columns().forEach(syncColumn);
  }

  // A board wider than the screen says so: the side more columns scroll in from fades.
  function syncScrollCue() {
    const scroller = board.querySelector(".columns");
    if (!scroller) return;
    const beyond = scroller.scrollWidth - scroller.clientWidth;
    scroller.classList.toggle("more-after", scroller.scrollLeft < beyond - 2);
    scroller.classList.toggle("more-before", scroller.scrollLeft > 2);
  }
  board.addEventListener(
    "scroll",
    (event) => {
      if (event.target.classList && event.target.classList.contains("columns")) syncScrollCue();
    },
    { capture: true, passive: true }
  );
  window.addEventListener("resize", syncScrollCue, { passive: true });

  let stopsPending = false;
  new MutationObserver(() => {
    if (stopsPending) return;
    stopsPending = true;
    requestAnimationFrame(() => {
      stopsPending = false;
      syncStops();
      syncScrollCue();
    });
  }).observe(board, { childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"] });
  syncStops();
  syncScrollCue();

  board.addEventListener("focusin", (event) => {
    const card = event.target.closest && event.target.closest("[data-card]");
    const column = card && event.target === card ? columnOf(card) : null;
    if (!column) return;
    stopOf.set(columnKey(column), card.dataset.id);
    syncColumn(column);
  });

  function neighbourColumn(card, step) {
    const all = columns();
    const index = all.indexOf(columnOf(card));
    return index < 0 ? null : all[index + step] || null;
  }

  board.addEventListener("keydown", (event) => {
    const card = event.target.closest && event.target.closest("[data-card]");
    if (!card || event.target !== card) return;
    const horizontal = event.key === "ArrowRight" || event.key === "ArrowLeft";
    const step = event.key === "ArrowRight" ? 1 : -1;
    if (event.shiftKey && horizontal) {
      event.preventDefault();
      if (view === "calendar") {
        const month = neighbourMonth(card, step);
        if (month !== null) schedule(card, month);
      } else {
        const column = neighbourColumn(card, step);
        if (column) transition(card, "move", { stage: column.dataset.stage });
      }
    } else if ((event.shiftKey && event.key === "F10") || event.key === "ContextMenu") {
      event.preventDefault();
      openMenu(card);
    } else if (event.key === "Enter" && !event.shiftKey) {
      const sheet = card.querySelector("a.card-name");
      if (sheet) {
        event.preventDefault();
        sheet.click();
      }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const column = columnOf(card);
      const cards = visibleCards(column);
      const other = cards[cards.indexOf(card) + (event.key === "ArrowDown" ? 1 : -1)];
      if (other) other.focus();
    } else if (horizontal) {
      // To the next column that holds a card, over the empty ones; to its current stop.
      event.preventDefault();
      const all = columns();
      for (let index = all.indexOf(columnOf(card)) + step; index >= 0 && index < all.length; index += step) {
        const cards = visibleCards(all[index]);
        if (cards.length) {
          (cards.find((other) => other.tabIndex === 0) || cards[0]).focus();
          break;
        }
      }
    }
  });

  // The sheet's breadcrumb comes back here, to this card (sheet.js).
  board.addEventListener("click", (event) => {
    const link = event.target.closest("a.card-name");
    const card = link && link.closest("[data-card]");
    if (!card) return;
    try {
      sessionStorage.setItem(`salespipe:back:${card.dataset.id}`, location.pathname + location.search);
    } catch (error) {
      // Storage refused (private mode): the breadcrumb leads to the portfolio's board.
    }
  });

  // An export or the forecast takes the board or calendar as it is now: its address follows
  // every filter and month asked since the page was drawn (X5, X6).
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-follows-address]");
    if (link) link.href = link.dataset.followsAddress + location.search;
  });

  // Back from a sheet (its address ends with #card-ID): that card has the focus.
  if (location.hash.startsWith("#card-")) {
    const back = document.getElementById(location.hash.slice(1));
    if (back && back.matches("[data-card]")) back.focus();
  }

  // A finger has no drag and drop here: holding a card down (half a second, without moving)
  // opens its menu, which moves it, wins, loses or deletes it (B22); so does the context
  // menu's key or click. The press that opened it is not also a tap.
  const LONG_PRESS_MS = 500;
  let press = null;
  // When a finger's long press opened the menu: the click its release makes, if any, comes
  // within a second and is not a tap.
  let pressedOpenAt = 0;

  function endPress() {
    if (press) clearTimeout(press.timer);
    press = null;
  }

  function menuFromPointer(card) {
    if (menu && !menu.open) openMenu(card);
  }

  board.addEventListener("pointerdown", (event) => {
    pressedOpenAt = 0;
    if (event.pointerType !== "touch") return;
    const card = event.target.closest("[data-card]");
    if (!card || event.target.closest("a, button")) return;
    endPress();
    press = {
      x: event.clientX,
      y: event.clientY,
      timer: setTimeout(() => {
        press = null;
        pressedOpenAt = performance.now();
        menuFromPointer(card);
      }, LONG_PRESS_MS),
    };
  });
  board.addEventListener("pointermove", (event) => {
    if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > 10) endPress();
  });
  ["pointerup", "pointercancel"].forEach((type) => board.addEventListener(type, endPress));
  board.addEventListener("contextmenu", (event) => {
    const card = event.target.closest("[data-card]");
    // A link keeps the browser's own menu (open in a new tab).
    if (!card || event.target.closest("a")) return;
    event.preventDefault();
    endPress();
    menuFromPointer(card);
  });
  board.addEventListener(
    "click",
    (event) => {
      const swallow = pressedOpenAt && performance.now() - pressedOpenAt < 1000;
      pressedOpenAt = 0;
      if (!swallow) return;
      event.preventDefault();
      event.stopPropagation();
    },
    true
  );

  function openActions(card) {
    rememberFocus(card);
    cardInDialog = card.dataset.id;
    request(`${base}${card.dataset.id}/actions/`, { method: "GET" });
  }

  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-card-command]");
    if (!button) return;
    const card = button.closest("[data-card]");
    if (button.dataset.cardCommand === "menu") {
      openMenu(card);
    } else if (button.dataset.cardCommand === "actions") {
      openActions(card);
    }
  });

  function menuButton(label, action, target) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.dataset.menuAction = action;
    Object.assign(button.dataset, target || {});
    if (action !== "move" && action !== "schedule") button.classList.add(`menu-${action}`);
    return button;
  }

  function stageEntries(card) {
    const buttons = [];
    for (const column of columns()) {
      if (column.dataset.stage === card.dataset.stage) continue;
      const label = format(app.dataset.msgMoveTo, { stage: column.dataset.stageName });
      buttons.push(menuButton(label, "move", { stage: column.dataset.stage }));
    }
    // A late card is offered a new expected date: the end of this month.
    if (card.querySelector("time.late") && app.dataset.redateMonth) {
      buttons.push(menuButton(app.dataset.redateLabel, "redate", { month: app.dataset.redateMonth }));
    }
    buttons.push(menuButton(app.dataset.labelWon, "win"));
    buttons.push(menuButton(app.dataset.labelLost, "lose"));
    buttons.push(menuButton(app.dataset.labelDelete, "delete"));
    return buttons;
  }

  // C3 from the keyboard: the months shown, *No date* and the frames' months.
  function monthEntries(card) {
    const current = cardMonth(card);
    return monthTargets()
      .filter((target) => target.dataset.month !== current)
      .map((target) =>
        menuButton(format(app.dataset.msgMoveTo, { stage: target.dataset.monthName }), "schedule", {
          month: target.dataset.month,
        })
      );
  }

  function openMenu(card) {
    if (!menu) return;
    rememberFocus(card);
    cardInDialog = card.dataset.id;
    menu.dataset.cardId = card.dataset.id;
    const name = card.querySelector(".card-name");
    menu.querySelector("[data-card-menu-title]").textContent = name ? name.textContent : "";
    // X3: which fields the next stage still needs, said as the menu opens.
    const readiness = menu.querySelector("[data-card-menu-readiness]");
    if (readiness) {
      readiness.textContent = card.dataset.readiness || "";
      readiness.hidden = !card.dataset.readiness;
    }
    const items = menu.querySelector("[data-card-menu-items]");
    const buttons = view === "calendar" ? monthEntries(card) : stageEntries(card);
    buttons.push(menuButton(app.dataset.labelActions, "actions"));
    items.replaceChildren(...buttons);
    menu.showModal();
    if (buttons.length) buttons[0].focus();
  }

  if (menu) {
    menu.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-close-dialog")) {
        menu.close();
        return;
      }
      const action = button.dataset.menuAction;
      if (!action) return;
      menu.dataset.chosen = "1";
      menu.close();
      const card = cardById(menu.dataset.cardId);
      if (!card) return;
      if (action === "actions") openActions(card);
      else if (action === "redate") schedule(card, button.dataset.month, "board");
      else drop(card, action, button.dataset);
    });
    menu.addEventListener("close", () => {
      if (!menu.dataset.chosen) {
        cardInDialog = null;
        live.release();
        // The browser gave the focus back to the card as the menu closed; this event comes
        // a moment later. Only a card gone meanwhile (a colleague's change) leaves the
        // focus nowhere: then its place takes it. Where the user has moved on, it stays.
        const focused = document.activeElement;
        if (!focused || focused === document.body || menu.contains(focused)) restoreFocus();
      }
      delete menu.dataset.chosen;
    });
  }

  // -- header: filters, won and lost lists -------------------------------------------------

  // On a phone the filters, searches and switches fold behind one button, folded at first.
  const toolsToggle = document.querySelector("[data-tools-toggle]");
  const tools = document.getElementById("board-tools");
  if (toolsToggle && tools) {
    const fold = (folded) => {
      tools.classList.toggle("is-folded", folded);
      toolsToggle.setAttribute("aria-expanded", folded ? "false" : "true");
    };
    if (window.matchMedia("(max-width: 480px)").matches) fold(true);
    toolsToggle.addEventListener("click", () => fold(!tools.classList.contains("is-folded")));
  }

  function syncFilterRow(row) {
    const toggle = row.querySelector("[data-filter-toggle]");
    const inputs = row.querySelector("[data-filter-inputs]");
    if (!toggle || !inputs) return;
    inputs.querySelectorAll("input, select").forEach((field) => (field.disabled = !toggle.checked));
    inputs.classList.toggle("is-off", !toggle.checked);
  }

  // A list chosen from with the mouse applies at once; one gone through with the arrow keys
  // or by typing (which changes it at each key) applies on Enter or when the focus leaves
  // it, as its hint says: the board isn't drawn again under the user's fingers (WCAG 3.2.2).
  const KEYS_THAT_CHOOSE = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];
  let keyedSelect = null;

  function applyPending(select) {
    if (select.dataset.pending === undefined) return;
    delete select.dataset.pending;
    filtersForm.requestSubmit();
  }

  if (filtersForm) {
    filtersForm.querySelectorAll("[data-filter]").forEach(syncFilterRow);
    filtersForm.addEventListener("keydown", (event) => {
      const select = event.target.closest("[data-autosubmit]");
      if (!select) return;
      if (event.key === "Enter") {
        event.preventDefault();
        applyPending(select);
      } else if (event.altKey || event.key === " ") {
        // These open the list: what is chosen in it applies at once.
        keyedSelect = null;
      } else if (KEYS_THAT_CHOOSE.includes(event.key) || event.key.length === 1) {
        keyedSelect = select;
      }
    });
    filtersForm.addEventListener("pointerdown", () => {
      keyedSelect = null;
    });
    filtersForm.addEventListener("focusout", (event) => {
      if (event.target.matches("[data-autosubmit]")) applyPending(event.target);
    });
    filtersForm.addEventListener("change", (event) => {
      if (event.target.matches("[data-filter-toggle]")) {
        syncFilterRow(event.target.closest("[data-filter]"));
      } else if (event.target.matches("[data-autosubmit]")) {
        if (event.target === keyedSelect) {
          keyedSelect = null;
          event.target.dataset.pending = "";
        } else {
          filtersForm.requestSubmit();
        }
      }
    });
    filtersForm.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.openLocal) {
        document.getElementById(button.dataset.openLocal).showModal();
      } else if (button.hasAttribute("data-close-dialog")) {
        button.closest("dialog").close();
      } else if (button.hasAttribute("data-clear-filters")) {
        filtersForm.querySelectorAll("[data-filter-toggle]").forEach((toggle) => {
          toggle.checked = false;
        });
        filtersForm.querySelectorAll("[data-filter]").forEach(syncFilterRow);
        button.closest("dialog").close();
        filtersForm.requestSubmit();
      }
    });
    filtersForm.addEventListener("submit", () => {
      const dialog = filtersForm.querySelector("dialog[open]");
      if (dialog) dialog.close();
    });
  }

  // Dialogs the page holds (the keyboard shortcuts): opened by their button, closed by theirs
  // or by Escape, the focus going back to the button.
  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-open-dialog]");
    const closer = event.target.closest("dialog[data-page-dialog] [data-close-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog) dialog.showModal();
    } else if (closer) {
      closer.closest("dialog").close();
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-open-list]");
    if (!button) return;
    const params = new URLSearchParams(location.search);
    params.set("outcome", button.dataset.openList);
    request(`${app.dataset.closedUrl}?${params}`, { method: "GET" });
  });

  // The month arrow or *Current month* used keeps the focus once the months are drawn again.
  let monthNav = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail && event.detail.elt;
    monthNav = elt && elt.dataset ? elt.dataset.monthNav || null : null;
  });

  // A board drawn again by htmx (filters, sort, weighted amounts) keeps the search applied.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail && event.detail.target === board) {
      live.follow();
      const message = board.querySelector("[data-board-message]");
      if (message) say(message.textContent.trim());
      if (monthNav) {
        const again =
          board.querySelector(`[data-month-nav="${CSS.escape(monthNav)}"]`) ||
          board.querySelector('[data-month-nav="current"]');
        if (again) again.focus();
        monthNav = null;
      }
    }
  });

  // C1: at least four months; a wide screen, on the first visit of the address, gets as many
  // as it holds, written in the address so that a reload or a link keeps them.
  function widenMonths() {
    const body = board.querySelector("[data-board-body]");
    if (view !== "calendar" || !body || !body.hasAttribute("data-months-auto")) return;
    const list = board.querySelector(".month-columns");
    const sample = board.querySelector(".month-column");
    if (!list || !sample) return;
    const gap = parseFloat(getComputedStyle(list).columnGap) || 0;
    const width = parseFloat(getComputedStyle(sample).flexBasis) || sample.offsetWidth;
    if (!width) return;
    const fitting = Math.floor((list.clientWidth + gap) / (width + gap)) - 1;
    const shown = Number(body.dataset.months) || 0;
    const wanted = Math.min(fitting, 12);
    if (wanted <= shown) return;
    const params = new URLSearchParams(location.search);
    params.set("start", body.dataset.start);
    params.set("months", String(wanted));
    history.replaceState(history.state, "", `${location.pathname}?${params}`);
    refresh();
  }

  widenMonths();
  live.follow();
})();
