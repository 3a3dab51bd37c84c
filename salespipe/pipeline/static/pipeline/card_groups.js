// The cards of a long column (SPEC B9, B11): held in groups of a few cards that
// the browser lays out and paints only while in view (board.css), so that hiding or showing
// thousands of cards off-screen, as a live search does on each key, costs nothing until they
// are scrolled to.
//
// Cards come ungrouped from the server (the page, a board drawn again, *Show more*); they
// are grouped on `board:updated` and when htmx draws the board again. Cards a search found
// beyond those drawn stay out of the groups: they come and go with each search.
(function () {
  "use strict";

  const board = document.getElementById("board");
  if (!board) return;

  // Small enough that the groups in view hold few cards out of view, large enough that a
  // column of a thousand cards is some fifty groups.
  const GROUP_SIZE = 20;
  // The browser leaves the cards of a group out of view out of the accessibility tree too:
  // a column no longer than the first cards the server draws (card_pages.FIRST_CARDS) stays
  // whole for screen readers, and only a longer one, shown more or drawn larger, is grouped.
  const GROUP_FROM = 100;

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

  document.addEventListener("board:updated", groupAll);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail && event.detail.target === board) groupAll();
  });
  groupAll();
})();
