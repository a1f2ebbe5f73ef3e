// On the 404 page: an old link into a year that moved to its own archive site
// (BRIEFING_ARCHIVE_SITES) continues there, at the same path. GitHub Pages serves 404.html for
// every missing path, so one file keeps every shared link of a closed year working.
(function () {
  "use strict";
  var base;
  try {
    base = new URL(document.documentElement.getAttribute("data-site-url") || "/", location.href).pathname;
  } catch (e) {
    return;
  }
  if (base.slice(-1) !== "/") base += "/";
  if (location.pathname.indexOf(base) !== 0) return;
  var rest = location.pathname.slice(base.length);
  // only our own release paths: releases/YYYY/..., no "..", no odd characters
  var match = /^releases\/(\d{4})\/[A-Za-z0-9_\-\/.]*$/.exec(rest);
  if (!match || rest.indexOf("..") !== -1) return;
  var link = document.querySelector('a[data-archive-year="' + match[1] + '"]');
  if (!link) return;
  var home = new URL(link.href);
  if (home.pathname.slice(-1) !== "/") home.pathname += "/";
  location.replace(new URL(rest, home).href + location.hash);
})();
