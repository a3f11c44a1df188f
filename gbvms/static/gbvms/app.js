// GBVMS front-end glue. Runs under a strict CSP: no inline scripts, no eval.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    window.htmx.config.allowEval = false;
    window.htmx.config.includeIndicatorStyles = false;
  }
});

// A "print" button (the printed case page); no inline handlers under the CSP.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
