// What the admin's own widgets leave out for assistive technologies, added on every admin
// page and on every row an inline adds (WCAG 4.1.2, 2.1.1):
// - an autocomplete (select2) is named by its field's label, not only by its current choice,
//   which is empty before one is made;
// - a table of an inline that scrolls sideways on a phone is a region the keyboard reaches.
(function () {
  "use strict";

  function nameAutocompletes(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach((box) => {
      const shown = box.querySelector(".select2-selection__rendered");
      if (!shown || !shown.id) return;
      const fieldId = shown.id.replace(/^select2-/, "").replace(/-container$/, "");
      const label = document.querySelector(`label[for="${CSS.escape(fieldId)}"]`);
      if (!label) return;
      if (!label.id) label.id = `${fieldId}-label`;
      const names = `${label.id} ${shown.id}`;
      if (box.getAttribute("aria-labelledby") !== names) box.setAttribute("aria-labelledby", names);
      // The choice shown is a read-only text box of its own: it is named by the label too.
      if (shown.getAttribute("role") === "textbox" && !shown.hasAttribute("aria-labelledby")) {
        shown.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function reachScrolledTables(root) {
    root.querySelectorAll("fieldset[aria-labelledby] > .wrapper:not([tabindex])").forEach((wrapper) => {
      wrapper.tabIndex = 0;
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-labelledby", wrapper.parentElement.getAttribute("aria-labelledby"));
    });
  }

  function mend() {
    nameAutocompletes(document);
    reachScrolledTables(document);
  }

  let pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      mend();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    mend();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  });
})();
