// Claims marked in the summary (<span class="claim" data-evidence="a1-12">) open the original text
// at the passage that supports them: a click, a tap, or Enter/Space on the focused claim opens
// "원문 전체 보기" (loading it through original.js when it is a separate file), scrolls to
// #ev-a1-12, highlights it and moves focus there, so keyboard and screen-reader users land on the
// evidence too. A link to #ev-a1-12 (shared or bookmarked) does the same on arrival.
(function () {
  "use strict";
  var details = document.getElementById("original");
  if (!details) return;
  var ID = /^[a-z0-9]+-[0-9]+$/;
  var current = [];

  function ready() {
    var api = window.briefingOriginal;
    if (api && details.querySelector("[data-original-src]")) return api.load();
    return Promise.resolve(details);
  }

  function show(ids) {
    ids = ids.filter(function (id) {
      return ID.test(id);
    });
    if (!ids.length) return;
    details.open = true;
    ready()
      .then(function () {
        current.forEach(function (el) {
          el.classList.remove("ev-target");
        });
        current = [];
        ids.forEach(function (id) {
          var el = document.getElementById("ev-" + id);
          if (el) {
            el.classList.add("ev-target");
            current.push(el);
          }
        });
        var first = current[0];
        if (!first) return;
        first.setAttribute("tabindex", "-1");
        first.scrollIntoView({ block: "center" });
        first.focus({ preventScroll: true });
      })
      .catch(function () {}); // original.js already shows why and links the portal page
  }

  function evidenceOf(target) {
    var claim = target && target.closest ? target.closest(".claim[data-evidence]") : null;
    return claim ? claim.getAttribute("data-evidence").split(/\s+/) : null;
  }

  document.addEventListener("click", function (event) {
    var ids = evidenceOf(event.target);
    if (!ids) return;
    event.preventDefault();
    show(ids);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var ids = evidenceOf(event.target);
    if (!ids || event.target !== event.target.closest(".claim[data-evidence]")) return;
    event.preventDefault();
    show(ids);
  });

  function fromHash() {
    var hash = decodeURIComponent(location.hash || "");
    if (hash.indexOf("#ev-") === 0) show([hash.slice(4)]);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
