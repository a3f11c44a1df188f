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

// The main menu folds behind a "Menu" button on a phone. Without JavaScript the button stays
// hidden and the menu is a plain list that wraps (see app.css).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".nav-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) {
    return;
  }
  document.documentElement.classList.add("js-nav");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
    if (open) {
      var first = menu.querySelector("a, button, summary");
      if (first) {
        first.focus();
      }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      toggle.click();
      toggle.focus();
    }
  });
});

// List filters fold away on a phone: every form.filters not already inside a <details> is
// wrapped in one ("Bộ lọc"), open when a filter is set in the address. Desktop keeps it open.
document.addEventListener("DOMContentLoaded", function () {
  var label = document.body.getAttribute("data-filters-label") || "Filters";
  var narrow = window.matchMedia("(max-width: 767px)");
  // a filter is set when the address carries a parameter other than the page number
  var active = Array.from(new URLSearchParams(window.location.search).entries()).some(function (kv) {
    return kv[0] !== "page" && kv[1] !== "";
  });
  document.querySelectorAll("form.filters").forEach(function (form) {
    if (form.closest("details")) {
      return;
    }
    var details = document.createElement("details");
    details.className = "filters-fold";
    var summary = document.createElement("summary");
    summary.textContent = label;
    details.appendChild(summary);
    form.parentNode.insertBefore(details, form);
    details.appendChild(form);
    details.open = !narrow.matches || active;
  });
});
