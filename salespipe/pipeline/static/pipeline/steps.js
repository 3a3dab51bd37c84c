// The step-by-step dialog shared by the board, the calendar (B16, B17) and the creation form
// (O4): one step a stage, Back and Next between them, and a Save that is only sent once every
// step holds valid values. Loaded before board.js and create.js, which read it from `window`.
(function () {
  "use strict";

  function steps(dialog) {
    return Array.from(dialog.querySelectorAll("[data-step]"));
  }

  // A container without a field to fill (a confirmation) gets its Save button instead.
  function focusFirst(container) {
    const field = container.querySelector(
      "input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled])"
    );
    const target = field || container.querySelector("button[data-save], button");
    if (target) target.focus();
  }

  function currentIndex(dialog) {
    return Number(dialog.dataset.stepIndex || 0);
  }

  function showStep(dialog, index) {
    const all = steps(dialog);
    const last = all.length - 1;
    all.forEach((step, i) => (step.hidden = i !== index));
    dialog.dataset.stepIndex = String(index);
    const toggle = (selector, hidden) => {
      const button = dialog.querySelector(selector);
      if (button) button.hidden = hidden;
    };
    toggle("[data-back]", index === 0);
    toggle("[data-next]", index === last);
    toggle("[data-save]", index !== last);
    if (all[index]) focusFirst(all[index]);
  }

  // The step the server marked as current (the one a refused Save was about), else the first.
  function start(dialog) {
    const current = steps(dialog).findIndex((step) => step.hasAttribute("data-current"));
    showStep(dialog, Math.max(current, 0));
  }

  function stepValid(step) {
    for (const field of step.querySelectorAll("input, select, textarea")) {
      if (field.disabled || field.type === "hidden" || field.readOnly) continue;
      if (!field.checkValidity()) {
        field.reportValidity();
        field.focus();
        return false;
      }
    }
    return true;
  }

  function next(dialog) {
    const all = steps(dialog);
    const index = currentIndex(dialog);
    if (!stepValid(all[index])) return false;
    if (index < all.length - 1) showStep(dialog, index + 1);
    return true;
  }

  function back(dialog) {
    showStep(dialog, Math.max(currentIndex(dialog) - 1, 0));
  }

  // Save before the last step moves on instead; on the last, a step left invalid (fields can
  // change after Next) is shown again with its message. True when the form may be sent.
  function readyToSave(dialog) {
    const all = steps(dialog);
    const index = currentIndex(dialog);
    if (index < all.length - 1) {
      next(dialog);
      return false;
    }
    for (let i = 0; i < all.length; i += 1) {
      // reportValidity shows no message on a hidden field, so each step is shown while checked.
      all[i].hidden = false;
      const valid = stepValid(all[i]);
      all[i].hidden = i !== index;
      if (!valid) {
        showStep(dialog, i);
        stepValid(all[i]);
        return false;
      }
    }
    return true;
  }

  window.SalespipeSteps = { steps, focusFirst, showStep, start, stepValid, next, back, readyToSave };
})();
