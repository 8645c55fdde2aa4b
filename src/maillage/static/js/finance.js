// Finance forms: small progressive enhancements (the server checks everything anyway).
// - An agreement's kinds of resource: only those the chosen funder's source can bring.
// - A funder's level: only for a public funder.
(function () {
  "use strict";

  function filterKinds() {
    const funder = document.querySelector("[data-funder-select]");
    const kind = document.querySelector("[data-kind-select]");
    if (!funder || !kind) {
      return;
    }
    const chosen = funder.options[funder.selectedIndex];
    const source = chosen ? chosen.dataset.source : "";
    let firstAllowed = null;
    for (const option of kind.options) {
      const sources = (option.dataset.sources || "").split(" ");
      const allowed = !source || sources.includes(source);
      option.hidden = !allowed;
      option.disabled = !allowed;
      if (allowed && firstAllowed === null) {
        firstAllowed = option;
      }
    }
    if (kind.selectedOptions.length && kind.selectedOptions[0].disabled && firstAllowed) {
      firstAllowed.selected = true;
    }
  }

  function toggleLevel() {
    const source = document.querySelector("[data-funder-source]");
    const level = document.querySelector("[data-public-only]");
    if (!source || !level) {
      return;
    }
    const wrapper = level.closest(".mb-3") || level;
    const isPublic = source.value === "public";
    wrapper.hidden = !isPublic;
    if (!isPublic) {
      level.value = "other";
    }
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-funder-select]")) {
      filterKinds();
    }
    if (event.target.matches("[data-funder-source]")) {
      toggleLevel();
    }
  });
  filterKinds();
  toggleLevel();
})();
