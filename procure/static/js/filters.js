/* Progressive enhancement for the purchase filters: on a narrow screen, fold the filters
   away when none is in use, so the results come first. Without JavaScript the filters
   simply stay open. */
(function () {
  "use strict";
  var details = document.querySelector("details.filters__more");
  if (!details || details.hasAttribute("data-active")) { return; }
  var narrow = window.matchMedia("(max-width: 52rem)");
  if (narrow.matches) { details.open = false; }
})();
