// Quick exit: replace this page with a neutral one (location.replace keeps it out of the
// back history) on the button or the Escape key. No other script runs on the public pages.
(function () {
  function leave() {
    var button = document.querySelector("[data-quick-exit]");
    var target = (button && button.getAttribute("data-quick-exit")) || "about:blank";
    document.body.innerHTML = "";
    window.location.replace(target);
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-quick-exit]")) {
      event.preventDefault();
      leave();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      leave();
    }
  });
})();
