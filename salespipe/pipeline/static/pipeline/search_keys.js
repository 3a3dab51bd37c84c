// The keys of the board's live search (SPEC B11, B12), the same as the server's: the cards
// carry keys made by salespipe/lib/text.py and salespipe/lib/phones.py, and what the user
// types is keyed here. A browser test compares both on names from many scripts.
(function () {
  "use strict";

  // No marks on letters (Mn, Me), lower case, "ß" and "ς" folded, single spaces.
  function searchKey(text) {
    return text
      .normalize("NFKD")
      .replace(/[\p{Mn}\p{Me}]/gu, "")
      .toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/ς/g, "σ")
      .split(/[\s\x1c-\x1f\x85]+/)
      .filter(Boolean)
      .join(" ");
  }

  // The national digits: ASCII digits, without +33, 0033 or 0 first.
  function phoneKey(text) {
    const digits = text.replace(/\D+/g, "");
    if (text.trim().startsWith("+")) return digits.startsWith("33") ? digits.slice(2) : digits;
    if (digits.startsWith("0033")) return digits.slice(4);
    if (digits.startsWith("0")) return digits.slice(1);
    return digits;
  }

  window.SalespipeSearchKeys = Object.freeze({ searchKey, phoneKey });
})();
