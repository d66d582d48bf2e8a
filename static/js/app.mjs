// Start GOV.UK Frontend and MOJ Frontend components on every page. The relative paths are
// rewritten to hashed names by collectstatic (config/storage.py).
import { initAll as initGovuk } from "../govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../moj/moj-frontend.min.js";

initGovuk();
initMoj();

// Content swapped in by htmx gets the same behaviour.
document.addEventListener("htmx:load", (event) => {
  initGovuk({ scope: event.detail.elt });
  initMoj({ scope: event.detail.elt });
});
