// The time grid (finance/time_week.html): arrow keys and Enter move between cells, Escape puts
// a cell's value back, the agreement picker lists only the agreements funding the project
// chosen, and a cell refused (422) or changed meanwhile by someone else (409) is shown in place.
// Loaded as a static file: no inline script, so the Content Security Policy holds. Without
// JavaScript the grid is a plain form saved as a whole.
(function () {
  "use strict";

  const project = document.getElementById("add-project");
  const agreement = document.getElementById("add-agreement");
  function filterAgreements() {
    if (!project || !agreement) return;
    const chosen = project.value;
    for (const option of agreement.options) {
      if (!option.value) continue;
      const funds = chosen !== "" && (option.dataset.projects || "").trim().split(/\s+/).includes(chosen);
      option.hidden = !funds;
      option.disabled = !funds;
    }
    const selected = agreement.options[agreement.selectedIndex];
    if (selected && selected.disabled) agreement.value = "";
  }
  if (project) {
    project.addEventListener("change", filterAgreements);
    filterAgreements();
  }

  const grid = document.getElementById("time-grid");
  if (!grid) return;

  function cellAt(r, c) {
    return grid.querySelector('input.time-input[data-r="' + r + '"][data-c="' + c + '"]');
  }

  function move(input, dr, dc) {
    const target = cellAt(Number(input.dataset.r) + dr, Number(input.dataset.c) + dc);
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }

  function allSelected(input) {
    return input.selectionStart === 0 && input.selectionEnd === input.value.length;
  }

  grid.addEventListener("focusin", function (event) {
    const input = event.target.closest("input.time-input");
    if (input) input.dataset.initial = input.value;
  });

  grid.addEventListener("keydown", function (event) {
    const input = event.target.closest("input.time-input");
    if (!input || event.altKey || event.ctrlKey || event.metaKey) return;
    const length = input.value.length;
    switch (event.key) {
      case "ArrowUp":
        if (move(input, -1, 0)) event.preventDefault();
        break;
      case "ArrowDown":
        if (move(input, 1, 0)) event.preventDefault();
        break;
      case "ArrowLeft":
        if ((allSelected(input) || (input.selectionStart === 0 && input.selectionEnd === 0)) && move(input, 0, -1)) {
          event.preventDefault();
        }
        break;
      case "ArrowRight":
        if ((allSelected(input) || (input.selectionStart === length && input.selectionEnd === length)) && move(input, 0, 1)) {
          event.preventDefault();
        }
        break;
      case "Enter":
        // Never submit the whole form from a cell: leaving the cell saves it (its change event).
        event.preventDefault();
        if (!move(input, 1, 0)) {
          input.blur();
          input.focus();
        }
        break;
      case "Escape":
        if (input.dataset.initial !== undefined && input.value !== input.dataset.initial) {
          input.value = input.dataset.initial;
          event.preventDefault();
        }
        break;
    }
  });

  // A refused value (422) or a cell changed meanwhile (409) comes back as the cell to show.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    const source = event.detail.elt;
    if ((status === 409 || status === 422) && source && grid.contains(source)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
