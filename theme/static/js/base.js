// Dark-mode toggle (remembered in localStorage) and opening the original text when linked to.
// Loaded with `defer`: a strict CSP allows no inline script, so a stored choice that differs from
// the system setting is applied right after parsing.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "briefing-theme";

  function stored() {
    try {
      return localStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function systemDark() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function apply(theme) {
    if (theme === "dark" || theme === "light") {
      root.setAttribute("data-theme", theme);
    } else {
      root.removeAttribute("data-theme");
    }
    var dark = theme ? theme === "dark" : systemDark();
    var button = document.getElementById("theme-toggle");
    if (button) {
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      var label = button.querySelector(".theme-toggle-label");
      if (label) label.textContent = dark ? "밝은 화면" : "어두운 화면";
    }
  }

  apply(stored());

  var button = document.getElementById("theme-toggle");
  if (button) {
    button.addEventListener("click", function () {
      var current = root.getAttribute("data-theme") || (systemDark() ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      try {
        localStorage.setItem(KEY, next);
      } catch (e) {
        /* private mode: the choice lasts for this page only */
      }
      apply(next);
    });
  }

  function openOriginal() {
    if (location.hash === "#original") {
      var details = document.getElementById("original");
      if (details) details.open = true;
    }
  }
  openOriginal();
  window.addEventListener("hashchange", openOriginal);
})();
