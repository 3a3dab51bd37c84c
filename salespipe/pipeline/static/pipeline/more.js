// The cards a column didn't draw (SPEC B9, B11-B13): *Show more* at a column's
// foot, and, while a live search is typed, one request once typing pauses for the matching
// cards not drawn yet, which join their columns marked as found.
//
// Both pages (board, calendar) mark their body with `data-found-url` and `data-query` (the
// page's filters), and each column with `data-column-key`. New cards are announced with a
// `board:updated` event, on which the live search indexes them.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const namesInput = document.querySelector('[data-live-search="names"]');
  const reachInput = document.querySelector('[data-live-search="reach"]');
  if (!board) return;

  const PAUSE_MS = 250;
  const SOURCE = "more";
  let timer = 0;
  let controller = null;
  // The cards a search found, until the next key or answer takes them away.
  let found = [];

  function announce() {
    document.dispatchEvent(new CustomEvent("board:updated", { detail: { source: SOURCE } }));
  }

  function body() {
    return board.querySelector("[data-board-body], [data-found-url]");
  }

  function cardIn(list, id) {
    return list.querySelector(`[data-card][data-id="${CSS.escape(id)}"]`);
  }

  function fragment(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content;
  }

  // -- Show more -------------------------------------------------------------------------

  async function showMore(button) {
    const item = button.closest("[data-show-more]");
    const list = item && item.parentElement;
    if (!list) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const answer = await window.Salespipe.send(button.dataset.moreUrl);
    if (!answer || !answer.response.ok) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      return;
    }
    const cards = fragment(answer.html);
    // What a search found in this column comes again, in its place, if it is next.
    list.querySelectorAll("[data-found]").forEach((element) => element.remove());
    for (const card of Array.from(cards.querySelectorAll("[data-card]"))) {
      if (cardIn(list, card.dataset.id)) card.remove();
    }
    const first = cards.querySelector("[data-card]");
    item.replaceWith(cards);
    // Announced (and so grouped, card_groups.js) before the focus moves: moving the
    // focused card would lose the focus.
    announce();
    if (first) first.focus({ preventScroll: true });
    if (isSearching()) scheduleFound();
  }

  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-more-url]");
    if (button && board.contains(button) && !button.disabled) showMore(button);
  });

  // -- matches not drawn -------------------------------------------------------------------

  function isSearching() {
    return Boolean(
      (namesInput && namesInput.value.trim()) || (reachInput && reachInput.value.trim())
    );
  }

  // Called on every key: no search of the whole board for what a search found.
  function clearFound() {
    // A board drawn again, or *Show more*, may have taken them away already.
    const had = found.some((element) => element.isConnected);
    found.forEach((element) => element.remove());
    found = [];
    return had;
  }

  // The last card drawn of every column that has more: only those can hide a match.
  function anchors() {
    const pairs = [];
    for (const column of board.querySelectorAll("[data-column][data-column-key]")) {
      if (!column.querySelector("[data-show-more]")) continue;
      const drawn = column.querySelectorAll("[data-card]:not([data-found])");
      const last = drawn[drawn.length - 1];
      pairs.push(`${column.dataset.columnKey}:${last ? last.dataset.id : ""}`);
    }
    return pairs;
  }

  async function findMore() {
    const page = body();
    const after = anchors();
    if (!page || !page.dataset.foundUrl || !after.length || !isSearching()) return;
    const names = namesInput ? namesInput.value.trim() : "";
    const reach = reachInput ? reachInput.value.trim() : "";
    const params = new URLSearchParams((page.dataset.query || "").replace(/^\?/, ""));
    params.set("q", names);
    params.set("reach", reach);
    after.forEach((pair) => params.append("after", pair));
    if (controller) controller.abort();
    controller = new AbortController();
    // Aborted by the next keystroke, or no network: the search shows what is drawn.
    const answer = await window.Salespipe.send(`${page.dataset.foundUrl}?${params}`, {
      signal: controller.signal,
    });
    if (!answer || !answer.response.ok) return;
    const html = answer.html;
    // Typing went on meanwhile: this answer is for another search.
    if ((namesInput ? namesInput.value.trim() : "") !== names) return;
    if ((reachInput ? reachInput.value.trim() : "") !== reach) return;
    clearFound();
    for (const part of fragment(html).querySelectorAll("template[data-found-for]")) {
      const key = CSS.escape(part.dataset.foundFor);
      const column = board.querySelector(`[data-column][data-column-key="${key}"]`);
      const list = column && column.querySelector("[data-cards]");
      if (!list) continue;
      const before = list.querySelector("[data-show-more]");
      for (const node of Array.from(part.content.children)) {
        if (node.matches("[data-card]") && cardIn(list, node.dataset.id)) continue;
        node.dataset.found = "";
        if (node.matches("[data-card]")) node.classList.add("is-found");
        list.insertBefore(node, before);
        found.push(node);
      }
    }
    announce();
  }

  function scheduleFound() {
    window.clearTimeout(timer);
    if (controller) controller.abort();
    if (clearFound()) announce();
    if (isSearching()) timer = window.setTimeout(findMore, PAUSE_MS);
  }

  for (const input of [namesInput, reachInput]) {
    if (input) input.addEventListener("input", scheduleFound);
  }
  // The board drawn again (a move, a filter): what was found is gone, look again.
  document.addEventListener("board:updated", (event) => {
    if (!(event.detail && event.detail.source === SOURCE) && isSearching()) scheduleFound();
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail && event.detail.target === board && isSearching()) scheduleFound();
  });

})();
