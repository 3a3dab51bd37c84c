// Live search on the cards drawn (SPEC B11-B13): no request, one pass over a prebuilt
// index per keystroke, and the visible totals recomputed once per frame.
(function () {
  "use strict";

  const board = document.getElementById("board");
  const app = document.getElementById("board-app");
  const namesInput = document.querySelector('[data-live-search="names"]');
  const reachInput = document.querySelector('[data-live-search="reach"]');
  if (!board || !app || !namesInput || !reachInput) return;

  const PHONE_LIKE = /^[\d\s+().-]+$/;
  let index = [];
  // Where the totals are written, found once per drawing of the board: a search of the
  // whole board on every key would cost more than the search itself.
  let places = { columns: [], stages: [], overall: null };
  let framePending = false;

  const { searchKey, phoneKey } = window.SalespipeSearchKeys;

  function build() {
    index = Array.from(board.querySelectorAll("[data-card]"), (el) => ({
      el,
      // Keys are one per line: a prefix must start a line.
      names: "\n" + (el.dataset.names || ""),
      phones: "\n" + (el.dataset.phones || ""),
      emails: "\n" + (el.dataset.emails || ""),
      column: el.closest("[data-column]"),
      stage: el.dataset.stage,
      amount: parseFloat(el.dataset.amount),
      days: parseFloat(el.dataset.days),
      shown: !el.hidden,
    }));
    places = {
      columns: Array.from(board.querySelectorAll("[data-column]"), (column) => ({
        column,
        totals: column.querySelector("[data-totals]"),
      })),
      stages: Array.from(board.querySelectorAll("[data-summary-stage]")),
      overall: board.querySelector("[data-summary-total]"),
    };
  }

  function isActive() {
    return namesInput.value.trim() !== "" || reachInput.value.trim() !== "";
  }

  function apply() {
    const names = searchKey(namesInput.value);
    const reach = reachInput.value.trim();
    const phoneLike = reach !== "" && PHONE_LIKE.test(reach);
    const phone = phoneLike ? phoneKey(reach) : "";
    const email = reach.toLowerCase();
    for (const item of index) {
      let show = names === "" || item.names.includes("\n" + names);
      if (show && reach !== "") {
        show =
          item.emails.includes("\n" + email) ||
          (phoneLike && (phone === "" || item.phones.includes("\n" + phone)));
      }
      if (item.shown !== show) {
        item.shown = show;
        item.el.hidden = !show;
      }
    }
    scheduleTotals();
  }

  function scheduleTotals() {
    if (framePending) return;
    framePending = true;
    window.requestAnimationFrame(() => {
      framePending = false;
      updateTotals();
    });
  }

  // Made once per language and currency: a number format costs more to make than to use.
  let cachedFormats = null;

  function formatters() {
    const body = board.querySelector("[data-board-body]");
    const lang = app.dataset.lang || document.documentElement.lang || "en";
    const currency = body ? body.dataset.currency : "EUR";
    const key = `${lang} ${currency}`;
    if (cachedFormats && cachedFormats.key === key) return cachedFormats;
    const money = new Intl.NumberFormat(lang, { style: "currency", currency });
    const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    const daysTemplate = app.dataset.msgDays || "{days} d";
    cachedFormats = {
      key,
      count: (value) => String(value),
      amount: (value) => money.format(value),
      days: (value) => daysTemplate.replace("{days}", number.format(value)),
    };
    return cachedFormats;
  }

  // A text written again unchanged would still be laid out again.
  function show(element, kind, value, fmt, active) {
    if (!element) return;
    if (element.dataset.serverText === undefined) element.dataset.serverText = element.textContent;
    const text = active ? fmt[kind](value) : element.dataset.serverText;
    if (element.textContent !== text) element.textContent = text;
  }

  function emptySums() {
    return { count: 0, amount: 0, days: 0 };
  }

  function add(sums, item) {
    sums.count += 1;
    if (!Number.isNaN(item.amount)) sums.amount += item.amount;
    if (!Number.isNaN(item.days)) sums.days += item.days;
  }

  function showAll(target, sums, fmt, active) {
    if (!target) return;
    // Marked here, not on the board: a class on the board would have the browser look
    // through every card for the totals it colours.
    target.classList.toggle("is-searching", active);
    for (const kind of ["count", "amount", "days"]) {
      show(target.querySelector(`[data-total="${kind}"]`), kind, sums[kind], fmt, active);
    }
  }

  // Columns may be stages (board) or months (calendar); the summary is always per stage.
  // One pass over the index, whatever the number of cards.
  function updateTotals() {
    const active = isActive();
    const fmt = formatters();
    const byColumn = new Map();
    const byStage = new Map();
    const overall = emptySums();
    for (const item of index) {
      if (!item.shown) continue;
      if (!byColumn.has(item.column)) byColumn.set(item.column, emptySums());
      if (!byStage.has(item.stage)) byStage.set(item.stage, emptySums());
      add(byColumn.get(item.column), item);
      add(byStage.get(item.stage), item);
      add(overall, item);
    }
    for (const { column, totals } of places.columns) {
      showAll(totals, byColumn.get(column) || emptySums(), fmt, active);
    }
    for (const row of places.stages) {
      showAll(row, byStage.get(row.dataset.summaryStage) || emptySums(), fmt, active);
    }
    showAll(places.overall, overall, fmt, active);
  }

  function refresh() {
    build();
    if (isActive()) apply();
  }

  namesInput.addEventListener("input", apply);
  reachInput.addEventListener("input", apply);
  document.addEventListener("board:updated", refresh);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail && event.detail.target === board) refresh();
  });
  build();
  if (isActive()) apply();
  // The first number format of a language loads its data: done while idle, not on the
  // first key typed.
  if (window.requestIdleCallback) window.requestIdleCallback(formatters);
})();
