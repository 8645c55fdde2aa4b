// The funder report: an explanation refused (422) or changed meanwhile (409) comes back as
// the line to show, with the message and the text typed; after a save, focus goes to the
// line's confirmation so that keyboard and screen-reader users know where they are.
(function () {
  "use strict";

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    const status = event.detail.xhr.status;
    const source = event.detail.elt;
    if ((status === 409 || status === 422) && source && source.closest("[data-explanations]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    const line = event.detail.elt;
    if (!line || !line.classList || !line.classList.contains("report-line")) {
      return;
    }
    const target = line.querySelector("[data-saved]") || line.querySelector("textarea");
    if (target) {
      target.focus();
    }
  });
})();
