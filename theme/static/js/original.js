// The release's original text, fetched when the reader opens "원문 전체 보기" (or arrives on
// #original). The build writes it once per release as <id>.original.html.gz next to the page, so
// article pages stay small. Without JavaScript, or when loading fails, the box keeps its link to
// the portal's release page. The file is our own build's escaped HTML, but it is still rebuilt
// here element by element from an inert DOMParser document, keeping only text and the few tags
// Markdown makes, and of attributes only a passage's id ("ev-a1-12", the target of the summary's
// claim marks) and its class "ev", so nothing in it can ever run. window.briefingOriginal.load()
// returns a promise of the loaded box, for evidence.js.
(function () {
  "use strict";
  var details = document.getElementById("original");
  var body = details && details.querySelector("[data-original-src]");
  if (!body || !window.fetch || !window.DOMParser) return;

  var KEEP = {
    H3: 1, H4: 1, H5: 1, H6: 1, P: 1, UL: 1, OL: 1, LI: 1, BR: 1, HR: 1, STRONG: 1, EM: 1, B: 1, I: 1,
    CODE: 1, PRE: 1, BLOCKQUOTE: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TH: 1, TD: 1, SPAN: 1,
  };
  var PASSAGE_ID = /^ev-[a-z0-9]+-[0-9]+$/;
  var DROP = { SCRIPT: 1, STYLE: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, SVG: 1, MATH: 1 };
  var status = body.querySelector(".original-status");
  var fallback = status ? Array.prototype.slice.call(status.childNodes) : []; // the portal link
  var state = "idle"; // idle -> loading -> done (back to idle after a failure, to retry)
  var pending = null; // the promise of the load under way

  function text(buffer) {
    var bytes = new Uint8Array(buffer);
    // a server may already have decoded it (Content-Encoding: gzip); then there is no gzip header
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return Promise.resolve(new TextDecoder().decode(bytes));
    if (typeof DecompressionStream === "undefined") return Promise.reject(new Error("gzip unsupported"));
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  function copy(from, to) {
    for (var node = from.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3) {
        to.appendChild(document.createTextNode(node.nodeValue));
      } else if (node.nodeType === 1 && !DROP[node.tagName]) {
        if (KEEP[node.tagName]) {
          var element = document.createElement(node.tagName.toLowerCase());
          if (PASSAGE_ID.test(node.id || "")) {
            element.id = node.id;
            element.className = "ev";
          }
          copy(node, element);
          to.appendChild(element);
        } else {
          copy(node, to); // an unexpected wrapper: keep its text, not the element
        }
      }
    }
  }

  function load() {
    if (state === "done") return Promise.resolve(body);
    if (state === "loading") return pending;
    state = "loading";
    body.setAttribute("aria-busy", "true");
    if (status) status.textContent = "원문을 불러오는 중입니다…";
    pending = fetch(body.getAttribute("data-original-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.arrayBuffer();
      })
      .then(text)
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var content = document.createDocumentFragment();
        copy(parsed.body, content);
        body.textContent = "";
        body.appendChild(content);
        body.removeAttribute("aria-busy");
        state = "done";
        return body;
      })
      .catch(function (error) {
        state = "idle";
        body.removeAttribute("aria-busy");
        if (status) {
          status.textContent = "원문을 불러오지 못했습니다. ";
          fallback.forEach(function (node) {
            status.appendChild(node);
          });
        }
        throw error;
      });
    return pending;
  }

  window.briefingOriginal = { load: load };

  function quietly() {
    load().catch(function () {}); // the status line already says what went wrong
  }

  details.addEventListener("toggle", function () {
    if (details.open) quietly();
  });
  if (details.open) quietly();
})();
