// Client-side Korean search over output/search/ (written by briefing/search/client_index.py).
//
// 1. Query analysis: the same steps as briefing/search/query.py, with the particle/ending table
//    generated from briefing/search/particles.py (search-terms.js). A test runs both on the same
//    strings and requires identical output.
// 2. Index access: manifest.json once, then one gzip shard per term and segment, one metadata chunk per
//    shown result; BM25 is computed here from the postings' statistics.
// 3. UI: the ⌘K / Ctrl+K palette on every page and the /search/ page (?q=, filters).
//
// Everything shown comes from untrusted feeds: text is only ever set with textContent.
(function (root) {
  "use strict";

  var isNode = typeof module === "object" && module.exports;
  var T = isNode ? require("./search-terms.js") : root.BriefingSearchTerms;
  if (!T) return;

  // ------------------------------------------------------------------ analysis (mirrors query.py)
  var SUFFIX_SET = new Set(T.suffixes);
  var PROTECTED = new Set(T.protected);
  var STOPWORDS = new Set(T.stopwords);
  var QUOTES = /[\u201c\u201d\u201e\u201f\uff02\u00ab\u00bb]/g;
  var WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
  var NUMBER_CHAR = /\p{N}/u;

  function normalize(text) {
    return String(text)
      .replace(QUOTES, '"')
      .normalize("NFKC")
      .toLowerCase()
      .replace(/(?<=[0-9]),(?=[0-9])/g, "");
  }

  function isHangul(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f);
  }

  function isAsciiDigit(ch) {
    return ch !== undefined && ch >= "0" && ch <= "9";
  }

  function script(ch) {
    if (isHangul(ch)) return "h";
    if (NUMBER_CHAR.test(ch)) return "d";
    return "o";
  }

  function splitWords(text) {
    var chars = Array.from(text);
    var words = [];
    var current = [];
    var last = "";
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (WORD_CHAR.test(ch)) {
        var s = script(ch);
        if (current.length && ((s === "h" && last === "o") || (s === "o" && last === "h"))) {
          words.push(current.join(""));
          current = [];
        }
        current.push(ch);
        if (s !== "d") last = s;
        continue;
      }
      if (ch === "." && current.length && isAsciiDigit(current[current.length - 1]) && isAsciiDigit(chars[i + 1])) {
        current.push(ch);
        continue;
      }
      if (current.length) {
        words.push(current.join(""));
        current = [];
      }
      last = "";
    }
    if (current.length) words.push(current.join(""));
    return words;
  }

  function length(text) {
    return Array.from(text).length;
  }

  function stripSuffix(word) {
    if (!word || PROTECTED.has(word)) return word;
    var n = length(word);
    for (var i = 0; i < T.suffixes.length; i++) {
      var suffix = T.suffixes[i];
      if (n - suffix.length >= T.minStem && word.endsWith(suffix)) {
        var stem = word.slice(0, word.length - suffix.length);
        return isAsciiDigit(stem[stem.length - 1]) ? word : stem;
      }
    }
    return word;
  }

  function wordStems(text) {
    var out = [];
    splitWords(normalize(text)).forEach(function (word) {
      if (STOPWORDS.has(word) || SUFFIX_SET.has(word)) return;
      var stem = stripSuffix(word);
      if (STOPWORDS.has(stem)) return;
      out.push([word, stem]);
    });
    return out;
  }

  function bigrams(term) {
    var chars = Array.from(term);
    if (chars.length < T.bigramMin || !chars.every(isHangul)) return [];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  function pairTerms(stems) {
    var out = [];
    for (var i = 0; i + 1 < stems.length; i++) out.push(stems[i] + stems[i + 1]);
    return out;
  }

  function parseQuery(text) {
    text = normalize(text);
    var query = { words: [], phrases: [], exclude: [] };
    var seen = new Set();

    function addWords(part) {
      var stems = [];
      wordStems(part).forEach(function (pair) {
        var word = pair[0];
        var stem = pair[1];
        stems.push(stem);
        if (!seen.has(stem)) {
          seen.add(stem);
          query.words.push({ stem: stem, surface: word !== stem ? word : "", bigrams: bigrams(stem) });
        }
      });
      return stems;
    }

    var phrase = /"([^"]*)"/g;
    var match;
    while ((match = phrase.exec(text)) !== null) {
      var pairs = pairTerms(addWords(match[1]));
      if (pairs.length) query.phrases.push(pairs);
    }
    var rest = text.replace(/"([^"]*)"/g, " ");
    var positive = [];
    rest.split(/\s+/).forEach(function (chunk) {
      if (!chunk) return;
      if (chunk.charAt(0) === "-" && chunk.length > 1) {
        wordStems(chunk.slice(1)).forEach(function (pair) {
          if (query.exclude.indexOf(pair[1]) < 0) query.exclude.push(pair[1]);
        });
      } else {
        positive.push(chunk);
      }
    });
    addWords(positive.join(" "));
    return query;
  }

  function queryTerms(text) {
    var query = parseQuery(text);
    var terms = [];
    query.words.forEach(function (word) {
      terms.push(word.stem);
      terms.push.apply(terms, word.bigrams);
    });
    query.phrases.forEach(function (pairs) {
      terms.push.apply(terms, pairs);
    });
    return Array.from(new Set(terms));
  }

  // ------------------------------------------------------------------ index access and ranking
  var ENCODER = new TextEncoder();

  function fnv1a(text) {
    var bytes = ENCODER.encode(text);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  var BIGRAM_WEIGHT = 0.5; // a word found only through its bigrams counts half
  var RARE = 10; // a word in fewer releases than this also looks at its bigrams

  async function gunzipJson(buffer) {
    var bytes = new Uint8Array(buffer);
    // Servers that add Content-Encoding: gzip have already decompressed the file.
    if (bytes.length > 1 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  function SearchIndex(baseUrl, fetchImpl) {
    this.base = String(baseUrl).replace(/\/?$/, "/");
    this.fetch = fetchImpl || root.fetch.bind(root);
    this.bytes = 0; // downloaded so far (file sizes)
    this.files = new Map();
    this.manifestPromise = null;
  }

  SearchIndex.prototype.load = function (relative) {
    var self = this;
    if (!self.files.has(relative)) {
      var promise = self.fetch(self.base + relative).then(function (response) {
        if (!response.ok) throw new Error("search index file " + relative + ": HTTP " + response.status);
        return response.arrayBuffer().then(function (buffer) {
          self.bytes += buffer.byteLength;
          return gunzipJson(buffer);
        });
      });
      promise.catch(function () {
        self.files.delete(relative); // a failed download can be tried again
      });
      self.files.set(relative, promise);
    }
    return self.files.get(relative);
  };

  SearchIndex.prototype.manifest = function () {
    if (!this.manifestPromise) this.manifestPromise = this.load("manifest.json");
    return this.manifestPromise;
  };

  // Numbers of changed or removed releases: their postings may linger in older segments.
  SearchIndex.prototype.dead = async function () {
    var m = await this.manifest();
    if (!this.deadCache) {
      var dead = new Set();
      var number = 0;
      (m.x || []).forEach(function (delta) {
        number += delta;
        dead.add(number);
      });
      this.deadCache = dead;
    }
    return this.deadCache;
  };

  // Map doc number -> [weighted tf, length bucket] for one term: its shard in every segment.
  SearchIndex.prototype.postings = async function (term) {
    var m = await this.manifest();
    var dead = await this.dead();
    var self = this;
    var hash = fnv1a(term);
    // A format-1 manifest (one set of shards) may still sit in a browser cache after a deploy.
    var segments = m.segments || [{ shards: m.shards, t: m.t }];
    var shards = await Promise.all(
      segments.map(function (segment) {
        return self.load("t/" + segment.t[hash % segment.shards]);
      })
    );
    var out = new Map();
    shards.forEach(function (shard) {
      var flat = shard[term] || [];
      var doc = 0;
      for (var i = 0; i < flat.length; i += 3) {
        doc += flat[i];
        if (!dead.has(doc)) out.set(doc, [flat[i + 1], flat[i + 2]]);
      }
    });
    return out;
  };

  SearchIndex.prototype.documents = async function (numbers) {
    var m = await this.manifest();
    var self = this;
    return Promise.all(
      numbers.map(async function (n) {
        var chunk = await self.load("d/" + m.d[Math.floor(n / m.chunk)]);
        return chunk[n % m.chunk];
      })
    );
  };

  SearchIndex.prototype.facets = async function () {
    var m = await this.manifest();
    if (!this.facetsCache) {
      var f = await this.load(m.f);
      var days = [];
      var day = 0;
      f.d.forEach(function (delta) {
        day += delta;
        days.push(day);
      });
      this.facetsCache = { c: f.c, m: f.m, d: days };
    }
    return this.facetsCache;
  };

  function bm25(m, postings) {
    var df = postings.size;
    var idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
    return function (entry) {
      var tf = entry[0];
      var dl = Math.pow(2, entry[1] / 16) - 1;
      return (idf * tf * (m.k1 + 1)) / (tf + m.k1 * (1 - m.b + (m.b * dl) / (m.avgdl || 1)));
    };
  }

  function dayNumber(iso) {
    if (!iso) return null;
    var t = Date.parse(String(iso).slice(0, 10) + "T00:00:00Z");
    return isNaN(t) ? null : Math.floor(t / 86400000);
  }

  // Rank documents for `text`. options: {limit, offset, category, ministry, from, to}.
  // Returns {query, total, results: [{number, score, doc}]}.
  SearchIndex.prototype.search = async function (text, options) {
    options = options || {};
    var limit = options.limit || 10;
    var offset = options.offset || 0;
    var query = parseQuery(text);
    var self = this;
    var m = await this.manifest();
    if (!query.words.length) return { query: query, total: 0, results: [] };

    var stemLists = await Promise.all(
      query.words.map(function (w) {
        return self.postings(w.stem);
      })
    );
    var scores = new Map(); // doc -> [matched words, score]
    function add(doc, value, matched) {
      var entry = scores.get(doc);
      if (!entry) scores.set(doc, (entry = [0, 0]));
      entry[0] += matched;
      entry[1] += value;
    }

    for (var i = 0; i < query.words.length; i++) {
      var word = query.words[i];
      var own = stemLists[i];
      var score = bm25(m, own);
      var matched = new Set();
      own.forEach(function (entry, doc) {
        add(doc, score(entry), 1);
        matched.add(doc);
      });
      // Long words may be compounds the index holds in pieces; rare words may be written differently.
      if (word.bigrams.length && (length(word.stem) >= 4 || own.size < RARE)) {
        var lists = await Promise.all(word.bigrams.map(self.postings.bind(self)));
        var smallest = lists.reduce(function (a, b) {
          return a.size <= b.size ? a : b;
        });
        var scorers = lists.map(function (l) {
          return bm25(m, l);
        });
        smallest.forEach(function (_, doc) {
          if (matched.has(doc)) return;
          var total = 0;
          for (var j = 0; j < lists.length; j++) {
            var entry = lists[j].get(doc);
            if (!entry) return;
            total += scorers[j](entry);
          }
          add(doc, (BIGRAM_WEIGHT * total) / lists.length, 1);
        });
      }
    }

    var required = [];
    for (var p = 0; p < query.phrases.length; p++) {
      var pairLists = await Promise.all(query.phrases[p].map(self.postings.bind(self)));
      pairLists.forEach(function (list) {
        var s = bm25(m, list);
        list.forEach(function (entry, doc) {
          if (scores.has(doc)) add(doc, s(entry), 0);
        });
      });
      required.push(pairLists);
    }
    var excluded = await Promise.all(query.exclude.map(self.postings.bind(self)));

    var facets = null;
    var wantCategory = options.category ? m.categories.indexOf(options.category) : -1;
    var wantMinistry = options.ministry ? m.ministries.indexOf(options.ministry) : -1;
    var from = dayNumber(options.from);
    var to = dayNumber(options.to);
    if (options.category || options.ministry || from !== null || to !== null) facets = await this.facets();

    var ranked = [];
    scores.forEach(function (entry, doc) {
      for (var r = 0; r < required.length; r++) {
        for (var k = 0; k < required[r].length; k++) if (!required[r][k].has(doc)) return;
      }
      for (var x = 0; x < excluded.length; x++) if (excluded[x].has(doc)) return;
      if (facets) {
        if (options.category && facets.c[doc] !== wantCategory) return;
        if (options.ministry && facets.m[doc] !== wantMinistry) return;
        if (from !== null && facets.d[doc] < from) return;
        if (to !== null && facets.d[doc] > to) return;
      }
      ranked.push([doc, entry[0], Math.round(entry[1] * 100) / 100]);
    });
    // All words matched first, then BM25, then the more recent release (larger number).
    ranked.sort(function (a, b) {
      return b[1] - a[1] || b[2] - a[2] || b[0] - a[0];
    });
    var page = ranked.slice(offset, offset + limit);
    var docs = await this.documents(
      page.map(function (r) {
        return r[0];
      })
    );
    return {
      query: query,
      total: ranked.length,
      results: page.map(function (r, n) {
        return { number: r[0], score: r[2], doc: docs[n] };
      }),
    };
  };

  // ------------------------------------------------------------------ snippets and highlighting
  // Words to mark in shown text: the stems and written forms of the query's words.
  function highlightWords(query) {
    var words = [];
    query.words.forEach(function (w) {
      if (w.surface) words.push(w.surface);
      words.push(w.stem);
    });
    return words.filter(Boolean);
  }

  // [[text, marked], ...] pieces of `text` with the query's words marked (case-insensitive).
  function markPieces(text, words) {
    text = String(text || "");
    var lower = text.toLowerCase();
    var marks = [];
    words.forEach(function (w) {
      var at = 0;
      while (w && (at = lower.indexOf(w, at)) >= 0) {
        marks.push([at, at + w.length]);
        at += w.length;
      }
    });
    marks.sort(function (a, b) {
      return a[0] - b[0] || b[1] - a[1];
    });
    var pieces = [];
    var pos = 0;
    marks.forEach(function (mk) {
      if (mk[0] < pos) return;
      if (mk[0] > pos) pieces.push([text.slice(pos, mk[0]), false]);
      pieces.push([text.slice(mk[0], mk[1]), true]);
      pos = mk[1];
    });
    if (pos < text.length) pieces.push([text.slice(pos), false]);
    return pieces;
  }

  // A window of about `size` characters of `text` around the first query word, cut at spaces so
  // no word is shown in part ("…도권 광역버스"): the start moves forward to the next word and the end
  // back to the last whole one (a single word longer than the window is the only exception).
  function snippet(text, words, size) {
    text = String(text || "");
    size = size || 140;
    if (text.length <= size) return text;
    var lower = text.toLowerCase();
    var first = -1;
    words.forEach(function (w) {
      var at = lower.indexOf(w);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = first < 0 ? 0 : Math.max(0, Math.min(first - 30, text.length - size));
    var end = Math.min(text.length, start + size);
    if (start > 0 && !/\s/.test(text.charAt(start - 1))) {
      var space = text.slice(start, first < 0 ? end : Math.max(first, start)).search(/\s/);
      if (space >= 0) start += space + 1;
    }
    if (end < text.length && !/\s/.test(text.charAt(end))) {
      var cut = text.slice(start, end).search(/\s\S*$/);
      if (cut > 0) end = start + cut;
    }
    var shown = text.slice(start, end).trim();
    return (start > 0 ? "…" : "") + shown + (end < text.length ? "…" : "");
  }

  var api = {
    normalize: normalize,
    splitWords: splitWords,
    stripSuffix: stripSuffix,
    wordStems: wordStems,
    bigrams: bigrams,
    parseQuery: parseQuery,
    queryTerms: queryTerms,
    fnv1a: fnv1a,
    SearchIndex: SearchIndex,
    highlightWords: highlightWords,
    markPieces: markPieces,
    snippet: snippet,
  };
  if (isNode) {
    module.exports = api;
    return;
  }
  root.BriefingSearch = api;

  // ------------------------------------------------------------------ browser UI
  var doc = root.document;

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function appendMarked(parent, text, words) {
    markPieces(text, words).forEach(function (piece) {
      if (piece[1]) parent.appendChild(el("mark", "", piece[0]));
      else parent.appendChild(doc.createTextNode(piece[0]));
    });
  }

  function indexUrl() {
    var html = doc.documentElement;
    var configured = html.getAttribute("data-search-url");
    var script = doc.querySelector('script[src*="search.js"]');
    if (configured) return new URL(configured, doc.baseURI).href;
    // Fallback: the theme's js/ folder sits at <site>/theme/js/, the index at <site>/search/.
    return new URL("../../search/", script ? script.src : doc.baseURI).href;
  }

  function resultUrl(base, url) {
    try {
      return new URL(url, new URL("../", base)).href; // base is <site>/search/
    } catch (e) {
      return "#";
    }
  }

  function safeHref(href) {
    return /^https?:|^file:/i.test(href) ? href : "#";
  }

  var index = null;
  function getIndex() {
    if (!index) index = new SearchIndex(indexUrl());
    return index;
  }

  function renderResult(item, words, id) {
    var d = item.doc || {};
    var li = el("li", "search-result");
    if (id) {
      li.id = id;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
    }
    var link = el("a", "search-result-link");
    link.href = safeHref(resultUrl(getIndex().base, d.u || ""));
    link.tabIndex = id ? -1 : 0;
    var title = el("span", "search-result-title");
    appendMarked(title, d.t, words);
    link.appendChild(title);
    var meta = el("span", "search-result-meta", [d.d, d.m, d.c].filter(Boolean).join(" · "));
    link.appendChild(meta);
    var text = d.h && d.h !== d.t ? d.h + " — " + (d.s || "") : d.s || "";
    if (text) {
      var p = el("span", "search-result-snippet");
      appendMarked(p, snippet(text, words, 150), words);
      link.appendChild(p);
    }
    li.appendChild(link);
    return li;
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(null, args);
      }, ms);
    };
  }

  // ---- the palette (combobox + listbox in a modal dialog)
  function setupPalette() {
    var dialog = doc.getElementById("search-palette");
    if (!dialog) return;
    var input = doc.getElementById("search-palette-input");
    var list = doc.getElementById("search-palette-list");
    var status = doc.getElementById("search-palette-status");
    var active = -1;
    var serial = 0;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
    }

    function setActive(n) {
      var opts = options();
      if (!opts.length) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      active = (n + opts.length) % opts.length;
      opts.forEach(function (o, i) {
        o.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function open() {
      if (!dialog.open) {
        if (dialog.showModal) dialog.showModal();
        else dialog.setAttribute("open", "");
      }
      input.focus();
      input.select();
    }

    function close() {
      if (dialog.close) dialog.close();
      else dialog.removeAttribute("open");
    }

    var run = debounce(async function () {
      var text = input.value;
      var mine = ++serial;
      if (!text.trim()) {
        list.replaceChildren();
        input.setAttribute("aria-expanded", "false");
        status.textContent = "";
        return;
      }
      try {
        var found = await getIndex().search(text, { limit: 8 });
        if (mine !== serial) return;
        var words = highlightWords(found.query);
        list.replaceChildren.apply(
          list,
          found.results.map(function (r, i) {
            return renderResult(r, words, "search-palette-option-" + i);
          })
        );
        input.setAttribute("aria-expanded", found.results.length ? "true" : "false");
        status.textContent = found.total
          ? "검색 결과 " + found.total.toLocaleString("ko-KR") + "건"
          : "검색 결과가 없습니다.";
        setActive(found.results.length ? 0 : -1);
      } catch (err) {
        if (mine !== serial) return;
        list.replaceChildren();
        status.textContent = "검색 색인을 불러오지 못했습니다. 잠시 후 다시 시도하세요.";
      }
    }, 120);

    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter") {
        var opts = options();
        if (active >= 0 && opts[active]) {
          event.preventDefault();
          root.location.href = opts[active].querySelector("a").href;
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) setActive(options().indexOf(option));
    });
    doc.addEventListener("keydown", function (event) {
      if ((event.metaKey || event.ctrlKey) && (event.key === "k" || event.key === "K")) {
        event.preventDefault();
        if (dialog.open) close();
        else open();
      }
    });
    doc.querySelectorAll("[data-search-open]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        open();
      });
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) close(); // a click on the backdrop
    });
  }

  // ---- the /search/ page
  function setupPage() {
    var form = doc.getElementById("search-page-form");
    if (!form) return;
    var input = form.elements.q;
    var results = doc.getElementById("search-page-results");
    var status = doc.getElementById("search-page-status");
    var more = doc.getElementById("search-page-more");
    var params = new URLSearchParams(root.location.search);
    ["q", "category", "ministry", "from", "to"].forEach(function (name) {
      if (params.get(name) && form.elements[name]) form.elements[name].value = params.get(name);
    });
    var shown = 0;
    var PAGE = 20;

    function fillSelect(select, values, current) {
      if (!select || select.options.length > 1) return;
      values.forEach(function (v) {
        if (!v) return;
        var option = el("option", "", v);
        option.value = v;
        select.appendChild(option);
      });
      if (current) select.value = current;
    }

    getIndex()
      .manifest()
      .then(function (m) {
        fillSelect(form.elements.category, m.categories, params.get("category"));
        fillSelect(form.elements.ministry, m.ministries, params.get("ministry"));
      })
      .catch(function () {});

    async function show(append) {
      var text = input.value;
      var opts = {
        limit: PAGE,
        offset: append ? shown : 0,
        category: form.elements.category ? form.elements.category.value : "",
        ministry: form.elements.ministry ? form.elements.ministry.value : "",
        from: form.elements.from ? form.elements.from.value : "",
        to: form.elements.to ? form.elements.to.value : "",
      };
      if (!append) {
        results.replaceChildren();
        shown = 0;
      }
      if (more) more.hidden = true;
      if (!text.trim()) {
        status.textContent = "검색어를 입력하세요.";
        return;
      }
      status.textContent = "검색 중…";
      try {
        var found = await getIndex().search(text, opts);
        var words = highlightWords(found.query);
        found.results.forEach(function (r) {
          results.appendChild(renderResult(r, words, ""));
        });
        shown += found.results.length;
        status.textContent = found.total
          ? "‘" + text + "’ 검색 결과 " + found.total.toLocaleString("ko-KR") + "건"
          : "‘" + text + "’에 대한 검색 결과가 없습니다.";
        if (more) more.hidden = shown >= found.total;
      } catch (err) {
        status.textContent = "검색 색인을 불러오지 못했습니다. 잠시 후 다시 시도하세요.";
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var next = new URLSearchParams();
      ["q", "category", "ministry", "from", "to"].forEach(function (name) {
        var field = form.elements[name];
        if (field && field.value) next.set(name, field.value);
      });
      root.history.replaceState(null, "", "?" + next.toString());
      show(false);
    });
    if (more) {
      more.addEventListener("click", function () {
        show(true);
      });
    }
    if (input.value) show(false);
  }

  function start() {
    setupPalette();
    setupPage();
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})(typeof self !== "undefined" ? self : this);
