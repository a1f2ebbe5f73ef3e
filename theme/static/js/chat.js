// "AI 정책 비서": the floating chat button and panel (partials/chat-panel.html).
//
// POST {question, history} to <html data-chat-endpoint> and read the Server-Sent Events stream:
// `sources` (shown at once), `token`s (the answer, streamed), then `done` or `error`. When no
// endpoint is configured or it cannot be reached, the panel shows search results for the question
// instead (window.BriefingSearch from search.js when loaded, else a link to the search page).
//
// Everything shown comes from a model or from feeds: text is only ever set with textContent, and
// the small Markdown subset we render (paragraphs, lists, **bold**, [n] citations, links) builds
// DOM nodes; links are kept only when they point to this site or the korea.kr portal.
(function () {
  "use strict";

  var doc = document;
  var html = doc.documentElement;
  var MAX_HISTORY = 6;
  var MAX_TURN_CHARS = 1000;

  var fab, panel, log, form, input, send, stop, status;
  var history = [];
  var controller = null;
  var lastFocus = null;

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function siteBase() {
    var configured = html.getAttribute("data-site-url") || "";
    try {
      return new URL(configured ? configured.replace(/\/?$/, "/") : "/", doc.baseURI);
    } catch (e) {
      return new URL("/", doc.baseURI);
    }
  }

  function endpoint() {
    var value = (html.getAttribute("data-chat-endpoint") || "").trim();
    if (!value) return null;
    try {
      return new URL(value, doc.baseURI).href;
    } catch (e) {
      return null;
    }
  }

  // Only our own pages and the portal may be linked from an answer.
  function safeUrl(href) {
    try {
      var url = new URL(href, siteBase());
      if (url.protocol !== "https:" && url.protocol !== "http:") return null;
      var ours = url.origin === siteBase().origin || url.origin === location.origin;
      var portal = url.hostname === "korea.kr" || /\.korea\.kr$/.test(url.hostname);
      return ours || portal ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- safe Markdown subset -------------------------------------------------------------------
  var INLINE = /\*\*([^*]+)\*\*|\[(\d{1,2})\]|\[([^\]]+)\]\(([^)\s]+)\)/g;

  function appendInline(parent, text, sources) {
    var last = 0;
    var match;
    INLINE.lastIndex = 0;
    while ((match = INLINE.exec(text))) {
      if (match.index > last) parent.appendChild(doc.createTextNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        parent.appendChild(el("strong", "", match[1]));
      } else if (match[2] !== undefined) {
        var source = sources[Number(match[2]) - 1];
        var href = source && safeUrl(source.url);
        if (href) {
          var cite = el("a", "chat-cite", "[" + match[2] + "]");
          cite.href = href;
          cite.title = source.title;
          parent.appendChild(cite);
        } else {
          parent.appendChild(doc.createTextNode(match[0]));
        }
      } else {
        var target = safeUrl(match[4]);
        if (target) {
          var link = el("a", "", match[3]);
          link.href = target;
          parent.appendChild(link);
        } else {
          parent.appendChild(doc.createTextNode(match[3]));
        }
      }
      last = INLINE.lastIndex;
    }
    if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
  }

  function renderMarkdown(target, text, sources) {
    var frag = doc.createDocumentFragment();
    var list = null;
    var para = null;
    text.split("\n").forEach(function (raw) {
      var line = raw.trim();
      var item = /^(?:[-*•]|\d+[.)])\s+(.*)$/.exec(line);
      if (!line) {
        list = para = null;
        return;
      }
      line = line.replace(/^#{1,6}\s+/, "");
      if (item) {
        para = null;
        if (!list) frag.appendChild((list = el(/^\d/.test(line) ? "ol" : "ul")));
        var li = el("li");
        appendInline(li, item[1], sources);
        list.appendChild(li);
        return;
      }
      list = null;
      if (para) para.appendChild(el("br"));
      else frag.appendChild((para = el("p")));
      appendInline(para, line, sources);
    });
    target.replaceChildren(frag);
  }

  // ---- messages --------------------------------------------------------------------------------
  function addMessage(kind) {
    var box = el("div", "chat-msg chat-" + kind);
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
    return box;
  }

  function renderSources(box, sources) {
    if (!sources.length) return;
    var wrap = el("div", "chat-sources");
    wrap.appendChild(el("p", "chat-sources-title", "근거 보도자료"));
    var ol = el("ol");
    sources.forEach(function (s) {
      var li = el("li");
      var href = safeUrl(s.url);
      var link = el(href ? "a" : "span", "chat-source-link", s.title);
      if (href) link.href = href;
      li.appendChild(el("span", "chat-source-n", "[" + s.n + "] "));
      li.appendChild(link);
      li.appendChild(el("span", "chat-source-meta", " " + [s.ministry, s.date].filter(Boolean).join(" · ")));
      ol.appendChild(li);
    });
    wrap.appendChild(ol);
    box.appendChild(wrap);
  }

  function addCopy(box, textFn) {
    if (!navigator.clipboard) return;
    var button = el("button", "chat-copy", "답변 복사");
    button.type = "button";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(textFn()).then(
        function () {
          button.textContent = "복사했습니다";
        },
        function () {
          button.textContent = "복사하지 못했습니다";
        }
      );
    });
    box.appendChild(button);
  }

  function setBusy(busy) {
    stop.hidden = !busy;
    send.disabled = busy;
    log.setAttribute("aria-busy", busy ? "true" : "false");
  }

  // ---- search fallback --------------------------------------------------------------------------
  async function searchFallback(box, question, reason) {
    box.appendChild(el("p", "chat-note", reason));
    var searchPage = new URL("search/?q=" + encodeURIComponent(question), siteBase()).href;
    var S = window.BriefingSearch;
    if (S && S.SearchIndex) {
      try {
        var base = html.getAttribute("data-search-url") || "search/";
        var index = new S.SearchIndex(new URL(base, doc.baseURI).href);
        var found = await index.search(question, { limit: 5 });
        if (found.results.length) {
          var ol = el("ol", "chat-search-results");
          found.results.forEach(function (item) {
            var d = item.doc || {};
            var li = el("li");
            var href = safeUrl(new URL(d.u || "", new URL("../", index.base)).href);
            var link = el(href ? "a" : "span", "chat-source-link", d.t || "");
            if (href) link.href = href;
            li.appendChild(link);
            li.appendChild(el("span", "chat-source-meta", " " + [d.m, d.d].filter(Boolean).join(" · ")));
            ol.appendChild(li);
          });
          box.appendChild(ol);
        } else {
          box.appendChild(el("p", "", "검색 결과가 없습니다."));
        }
      } catch (e) {
        /* the link below still works */
      }
    }
    var more = el("a", "chat-search-link", "검색 페이지에서 더 보기");
    more.href = searchPage;
    box.appendChild(more);
  }

  // ---- one question ------------------------------------------------------------------------------
  function parseFrames(buffer, onEvent) {
    var parts = buffer.split("\n\n");
    var rest = parts.pop();
    parts.forEach(function (frame) {
      frame.split("\n").forEach(function (line) {
        if (line.indexOf("data: ") === 0) {
          try {
            onEvent(JSON.parse(line.slice(6)));
          } catch (e) {
            /* a malformed frame is skipped */
          }
        }
      });
    });
    return rest;
  }

  async function ask(question) {
    question = question.trim();
    if (!question || controller) return;
    var mine = addMessage("user");
    mine.appendChild(el("p", "", question));
    var box = addMessage("bot");
    var url = endpoint();
    if (!url) {
      status.textContent = "검색 결과를 보여 드립니다.";
      await searchFallback(box, question, "AI 비서가 설정되지 않아, 질문과 관련된 검색 결과를 보여 드립니다.");
      return;
    }
    var answerEl = el("div", "chat-answer");
    box.appendChild(answerEl);
    var sources = [];
    var text = "";
    var mode = "";
    var failed = false;
    controller = new AbortController();
    setBusy(true);
    status.textContent = "답변을 준비하고 있습니다…";
    function onEvent(event) {
      if (event.type === "sources") {
        sources = event.sources || [];
        renderSources(box, sources);
        if (sources.length) status.textContent = "관련 보도자료 " + sources.length + "건을 찾았습니다. 답변을 쓰는 중…";
      } else if (event.type === "token") {
        text += event.text;
        renderMarkdown(answerEl, text, sources);
        log.scrollTop = log.scrollHeight;
      } else if (event.type === "done") {
        mode = event.mode || "";
        if (event.mode === "sources_only") box.classList.add("chat-sources-only");
        (event.suggestions || []).forEach(function (s) {
          var href = safeUrl(s.url);
          if (!href) return;
          var link = el("a", "chat-suggestion", "‘" + s.query + "’ 검색");
          link.href = href;
          box.appendChild(link);
        });
      } else if (event.type === "error") {
        failed = true;
        box.appendChild(el("p", "chat-error", event.message || "답변을 만들지 못했습니다."));
      }
    }
    try {
      var response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ question: question, history: history.slice(-MAX_HISTORY) }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        var problem = null;
        try {
          problem = (await response.json()).error;
        } catch (e) {
          /* not our JSON: the endpoint is unreachable or misconfigured */
        }
        if (problem && response.status < 500 && response.status !== 404) {
          failed = true;
          box.appendChild(el("p", "chat-error", problem.message));
        } else {
          answerEl.remove();
          await searchFallback(box, question, "AI 비서에 연결할 수 없어, 검색 결과를 대신 보여 드립니다.");
        }
      } else {
        var reader = response.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        for (;;) {
          var chunk = await reader.read();
          if (chunk.done) break;
          buffer = parseFrames(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
        }
        parseFrames(buffer + "\n\n", onEvent);
      }
    } catch (e) {
      if (e && e.name === "AbortError") {
        box.appendChild(el("p", "chat-note", "답변을 중지했습니다."));
      } else if (!text && !sources.length) {
        answerEl.remove();
        await searchFallback(box, question, "AI 비서에 연결할 수 없어, 검색 결과를 대신 보여 드립니다.");
      } else {
        failed = true;
        box.appendChild(el("p", "chat-error", "연결이 끊겼습니다. 다시 시도해 주세요."));
      }
    } finally {
      controller = null;
      setBusy(false);
    }
    if (text && !failed) {
      history.push({ role: "user", content: question.slice(0, MAX_TURN_CHARS) });
      history.push({ role: "assistant", content: text.slice(0, MAX_TURN_CHARS) });
      history = history.slice(-MAX_HISTORY);
    }
    // Only a model's answer is worth copying: "no match" and "sources only" replies are notices.
    if (text.trim() && !failed && mode === "llm") {
      addCopy(box, function () {
        return text + (sources.length ? "\n\n" + sources.map(function (s) {
          return "[" + s.n + "] " + s.title + " " + s.url;
        }).join("\n") : "");
      });
    }
    status.textContent = text ? "답변이 끝났습니다." : "";
    // The whole answer is announced once, not token by token.
    var announce = doc.getElementById("chat-announce");
    if (announce && text) announce.textContent = answerEl.textContent;
  }

  // ---- panel: open, close, focus trap ------------------------------------------------------------
  function focusables() {
    return Array.prototype.filter.call(
      panel.querySelectorAll("a[href], button:not([disabled]), textarea, [tabindex]:not([tabindex='-1'])"),
      function (node) {
        return !node.hidden && node.offsetParent !== null;
      }
    );
  }

  function open(question, submit) {
    if (panel.hidden) lastFocus = doc.activeElement;
    panel.hidden = false;
    fab.setAttribute("aria-expanded", "true");
    if (question) input.value = question;
    input.focus();
    if (question && submit) {
      input.value = "";
      ask(question);
    }
  }

  function close() {
    panel.hidden = true;
    fab.setAttribute("aria-expanded", "false");
    (lastFocus && lastFocus.focus ? lastFocus : fab).focus();
  }

  // The ⌘K palette's "AI에게 묻기" action: a button under the search box (and Ctrl/⌘+Enter) that
  // hands the typed text to the chat. Skipped when the palette already has its own action
  // ([data-chat-ask], which should dispatch the same "briefing:ask" event).
  function setupPaletteAction() {
    var dialog = doc.getElementById("search-palette");
    var box = doc.getElementById("search-palette-input");
    if (!dialog || !box || dialog.querySelector("[data-chat-ask]")) return;
    var button = el("button", "chat-palette-ask", "AI에게 묻기");
    button.type = "button";
    button.setAttribute("data-chat-ask", "");
    button.title = "입력한 내용을 AI 정책 비서에게 묻습니다 (Ctrl+Enter)";
    function handOver() {
      var question = box.value.trim();
      if (dialog.close) dialog.close();
      else dialog.removeAttribute("open");
      doc.dispatchEvent(new CustomEvent("briefing:ask", { detail: { question: question } }));
    }
    button.addEventListener("click", handOver);
    dialog.addEventListener(
      "keydown",
      function (event) {
        if (event.target === box && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          event.stopPropagation();
          handOver();
        }
      },
      true // before the palette's own Enter handling
    );
    var form = dialog.querySelector("form");
    if (form && form.parentNode === dialog) form.after(button);
    else dialog.appendChild(button);
  }

  function setup() {
    fab = doc.getElementById("chat-open");
    panel = doc.getElementById("chat-panel");
    if (!fab || !panel) return;
    log = doc.getElementById("chat-log");
    form = doc.getElementById("chat-form");
    input = doc.getElementById("chat-input");
    send = doc.getElementById("chat-send");
    stop = doc.getElementById("chat-stop");
    status = doc.getElementById("chat-status");
    // a touch screen has no Enter/Shift+Enter to speak of: the placeholder keeps to the question
    if (window.matchMedia && window.matchMedia("(hover: none), (pointer: coarse)").matches) {
      input.placeholder = "질문을 입력하세요";
    }
    var announce = el("p", "chat-announce");
    announce.id = "chat-announce";
    announce.setAttribute("aria-live", "polite");
    panel.appendChild(announce);
    fab.hidden = false;

    fab.addEventListener("click", function () {
      if (panel.hidden) open();
      else close();
    });
    doc.getElementById("chat-close").addEventListener("click", close);
    stop.addEventListener("click", function () {
      if (controller) controller.abort();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value;
      input.value = "";
      ask(question);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        var items = focusables();
        if (!items.length) return;
        var first = items[0];
        var last = items[items.length - 1];
        if (event.shiftKey && doc.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && doc.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    // The ⌘K palette's "AI에게 묻기" action (search.js) dispatches this with {question}.
    doc.addEventListener("briefing:ask", function (event) {
      var question = String((event.detail || {}).question || "").trim();
      open(question, Boolean(question));
    });
    setupPaletteAction();
  }

  window.BriefingChat = { open: open, ask: function (q) { open(q, true); } };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
