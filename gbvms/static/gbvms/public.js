// Quick exit: replace this page with a neutral one (location.replace keeps it out of the
// back history) on the button or the Escape key. No other script runs on the public pages.
(function () {
  var NEUTRAL = "https://www.google.com/search?q=th%E1%BB%9Di+ti%E1%BA%BFt";
  function leave() {
    document.body.innerHTML = "";
    window.location.replace(NEUTRAL);
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
