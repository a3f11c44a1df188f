// GBVMS front-end glue. Runs under a strict CSP: no inline scripts, no eval.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    window.htmx.config.allowEval = false;
    window.htmx.config.includeIndicatorStyles = false;
  }
});
