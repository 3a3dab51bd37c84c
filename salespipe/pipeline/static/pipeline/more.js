// The cards of a column (issue 8; SPEC B9, B11-B13): held in groups that the browser draws
// only while in view, *Show more* at a column's foot for the cards not drawn, and, while a
// live search is typed, one request once typing pauses for the matching cards not drawn
// yet, which join their columns marked as found.
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
  // Small enough that the groups in view hold few cards out of view, large enough that a
  // column of a thousand cards is some fifty groups.
  const GROUP_SIZE = 20;
  // The browser leaves the cards of a group out of view out of the accessibility tree too:
  // a column no longer than the first cards the server draws (card_pages.FIRST_CARDS) stays
  // whole for screen readers, and only a longer one, shown more or drawn larger, is grouped.
  const GROUP_FROM = 100;
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

  // -- groups of cards (board.css) ---------------------------------------------------------

  // A group is sized, off-screen, from the cards it shows; with none, it takes no room.
  function syncGroup(group) {
    let shown = 0;
    for (const card of group.firstElementChild.children) if (!card.hidden) shown += 1;
    group.classList.toggle("is-empty", shown === 0);
    if (group.style.getPropertyValue("--shown") !== String(shown)) {
      group.style.setProperty("--shown", String(shown));
    }
  }

  function newGroup(cards) {
    const group = document.createElement("li");
    group.className = "card-group";
    group.setAttribute("role", "none");
    const inner = document.createElement("ol");
    inner.className = "card-group-cards";
    inner.setAttribute("role", "none");
    cards[0].before(group);
    inner.append(...cards);
    group.append(inner);
    syncGroup(group);
  }

  // The drawn cards not in a group yet (a new page, *Show more*), in runs between what is
  // not a drawn card.
  function groupCards(list) {
    if (list.querySelectorAll("[data-card]").length <= GROUP_FROM) return;
    let run = [];
    const runs = [run];
    for (const child of list.children) {
      if (child.matches("[data-card]:not([data-found])")) {
        run.push(child);
      } else if (run.length) {
        run = [];
        runs.push(run);
      }
    }
    for (const cards of runs) {
      for (let start = 0; start < cards.length; start += GROUP_SIZE) {
        newGroup(cards.slice(start, start + GROUP_SIZE));
      }
    }
  }

  function groupAll() {
    board.querySelectorAll("[data-cards]").forEach(groupCards);
  }

  // Whoever hides or shows a card (the live search, or any other script), its group follows
  // before the next frame: the observer's records arrive once the handler that wrote ends.
  new MutationObserver((records) => {
    const changed = new Set();
    let last = null;
    for (const record of records) {
      // Records come in the order of the cards: most share the last one's group.
      const list = record.target.parentElement;
      if (list === last || !list) continue;
      last = list;
      const group = list.parentElement;
      if (group && group.classList.contains("card-group")) changed.add(group);
    }
    changed.forEach(syncGroup);
  }).observe(board, { subtree: true, attributes: true, attributeFilter: ["hidden"] });

  // -- Show more -------------------------------------------------------------------------

  async function showMore(button) {
    const item = button.closest("[data-show-more]");
    const list = item && item.parentElement;
    if (!list) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(button.dataset.moreUrl, { credentials: "same-origin" });
    } catch (_error) {
      response = null;
    }
    if (!response || !response.ok) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      return;
    }
    const cards = fragment(await response.text());
    // What a search found in this column comes again, in its place, if it is next.
    list.querySelectorAll("[data-found]").forEach((element) => element.remove());
    for (const card of Array.from(cards.querySelectorAll("[data-card]"))) {
      if (cardIn(list, card.dataset.id)) card.remove();
    }
    const first = cards.querySelector("[data-card]");
    item.replaceWith(cards);
    // Grouped before the focus moves: moving the focused card would lose the focus.
    groupCards(list);
    if (first) first.focus({ preventScroll: true });
    announce();
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
    let html;
    try {
      const response = await fetch(`${page.dataset.foundUrl}?${params}`, {
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) return;
      html = await response.text();
    } catch (_error) {
      return;
    }
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

  // Cards drawn by the server (the page, a board drawn again) come ungrouped.
  document.addEventListener("board:updated", groupAll);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail && event.detail.target === board) groupAll();
  });
  groupAll();
})();
