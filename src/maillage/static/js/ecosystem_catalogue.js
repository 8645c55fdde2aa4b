// Public catalogue: the filters panel stays open on wide screens; on a phone it folds away
// unless filters are in use. Without JavaScript it is simply open.
const filters = document.querySelector("details.catalogue-filters");
if (filters && !filters.dataset.filtered && window.matchMedia("(max-width: 991.98px)").matches) {
  filters.open = false;
}
