// Search, in the browser, over the split index that plugins/search_index
// writes (shards.py describes the files). On first use the manifest is
// loaded; a query then loads only the index shards of its terms and the text
// chunks of the results it shows. Every file is a <script src> (file:// works).
//
// The terms are the same rule as plugins/search_index/tokenize.py (every
// character and every adjacent pair; tests/search_vectors.json holds both to
// it). A query of one or two characters is one term: its postings are its
// results. A longer one requires some of its pairs (every document holding
// the phrase holds them all), and each candidate is confirmed against its
// text before it is shown: what is shown contains what was typed.
(function () {
  "use strict";

  // A hand-typed or cut-off link can hold a malformed %-escape (#%E0%A4%A):
  // decodeURIComponent throws URIError on it and would stop this script part-way.
  function decodeSafely(text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  }

  // ---- terms (shared rule) ---------------------------------------------------
  var SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var PIECES = new RegExp("[^" + SPACE + "]+", "gu");
  var HAN = "\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  // A word of a query: Han and ASCII letters and digits (养老 in “养老:”), for
  // the fallback when no text holds the phrase as typed.
  var WORD = new RegExp("(?:[" + HAN + "]|[a-z0-9])+(?:\\.(?:[" + HAN + "]|[a-z0-9])+)*", "gu");
  var MAX_QUERY = 60;   // characters: longer input is cut, not refused
  var MAX_TERMS = 4;    // terms required per query: selective enough, and at most 4 shards to fetch

  // Full-width ASCII to ASCII, U+3000 to space, A-Z to a-z. Length-preserving
  // (also in UTF-16 units), so offsets in folded text are offsets in the text.
  function fold(text) {
    return text.replace(/[\uff01-\uff5e\u3000A-Z]/g, function (c) {
      var code = c.charCodeAt(0);
      if (code === 0x3000) return " ";
      if (code >= 0xff01) code -= 0xfee0;
      return String.fromCharCode(code >= 65 && code <= 90 ? code + 32 : code);
    });
  }

  function pieces(folded) { return folded.match(PIECES) || []; }

  // Index terms of a text: every character and adjacent pair of each piece, once.
  function terms(text) {
    var seen = new Set(), out = [];
    function add(term) { if (!seen.has(term)) { seen.add(term); out.push(term); } }
    pieces(fold(text)).forEach(function (piece) {
      var chars = Array.from(piece);
      chars.forEach(function (c, i) { add(c); if (i + 1 < chars.length) add(c + chars[i + 1]); });
    });
    return out;
  }

  // The terms a query requires: a piece of one or two characters is its own
  // term; a longer piece gives its pairs, at most MAX_TERMS in all, spread over
  // the query. Overlapping pairs are worth their shard: 2211 as 22 and 11
  // alone matched every text with 2022 and 11 (600 ms of chunks to confirm).
  function queryTerms(list) {
    var out = [];
    list.forEach(function (piece) {
      var chars = Array.from(piece);
      if (chars.length <= 2) { out.push(piece); return; }
      for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    });
    out = out.filter(function (t, i) { return out.indexOf(t) === i; });
    if (out.length <= MAX_TERMS) return out;
    var kept = [];
    for (var k = 0; k < MAX_TERMS; k++) kept.push(out[Math.round(k * (out.length - 1) / (MAX_TERMS - 1))]);
    return kept;
  }

  // The normalized query: the phrase, its pieces (between spaces) and words.
  function plan(query) {
    var phrase = Array.from(fold(String(query)).trim()).slice(0, MAX_QUERY).join("").trim();
    var exactPieces = pieces(phrase);
    var words = phrase.match(WORD) || [];
    return {
      phrase: phrase, pieces: words, exact: queryTerms(exactPieces), loose: queryTerms(words),
      // one piece of one or two characters: its term's postings are exactly its results
      known: exactPieces.length === 1 && Array.from(exactPieces[0]).length <= 2
    };
  }

  function fnv1a(term) {
    var hash = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      hash ^= term.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  // ---- the store: manifest, shards and chunks, each loaded once -------------
  // `loadData(key, path)` returns a promise of a file's data (a script tag in
  // the browser; tests in node read the file).
  function Store(manifest, loadData) {
    this.loadData = loadData;
    this.shardCount = manifest.shards;
    this.indexHash = manifest.index;
    this.groups = [];
    this.chunks = [];       // {start, end, key, path, group}
    this.shards = {};       // k -> promise; this.terms: term -> encoded postings, once loaded
    this.terms = new Map();
    this.decoded = new Map();
    this.texts = [];        // doc number -> doc, once its chunk is loaded
    this.loading = {};
    var start = 0, self = this;
    manifest.groups.forEach(function (g, gi) {
      var group = { slug: g.slug, title: g.title, year: g.year, url: g.url, start: start, index: gi,
                    names: g.names || [] };
      g.chunks.forEach(function (size, n) {
        var key = "text-" + (g.slug || "-notes") + "-" + n;
        self.chunks.push({ start: start, end: start + size, key: key, path: "search/" + key + "." + g.hash + ".js", group: group });
        start += size;
      });
      group.end = start;
      self.groups.push(group);
    });
    this.notes = this.groups.length && !this.groups[0].slug ? this.groups[0] : { start: 0, end: 0, names: [] };
    this.count = start;
  }

  Store.prototype.group = function (slug) {
    return this.groups.filter(function (g) { return g.slug === slug; })[0] || null;
  };

  Store.prototype.shardOf = function (term) { return fnv1a(term) % this.shardCount; };

  Store.prototype.loadShard = function (k) {
    var self = this, key = "index-" + k;
    if (!this.shards[k]) {
      this.shards[k] = this.loadData(key, "search/" + key + "." + this.indexHash + ".js").then(function (data) {
        var names = data.terms ? data.terms.split(" ") : [], lists = data.postings.split(";");
        names.forEach(function (t, i) { self.terms.set(t, lists[i]); });
      });
    }
    return this.shards[k];
  };

  Store.prototype.loadShards = function (list) {
    var self = this;
    return Promise.all(list.map(function (term) { return self.loadShard(self.shardOf(term)); }));
  };

  Store.prototype.postings = function (term) {
    var list = this.decoded.get(term);
    if (list) return list;
    var encoded = this.terms.get(term);
    if (encoded === undefined) return new Int32Array(0);
    var parts = encoded.split(","), doc = 0;
    list = new Int32Array(parts.length);
    for (var i = 0; i < parts.length; i++) { doc += parseInt(parts[i], 36); list[i] = doc; }
    this.decoded.set(term, list);
    return list;
  };

  // Documents holding every term (the shards must be loaded), ascending.
  Store.prototype.candidates = function (list) {
    if (!list.length) return [];
    var self = this;
    var lists = list.map(function (t) { return self.postings(t); }).sort(function (a, b) { return a.length - b.length; });
    var out = Array.from(lists[0]);
    for (var l = 1; l < lists.length && out.length; l++) {
      var other = lists[l], j = 0, kept = [];
      for (var i = 0; i < out.length; i++) {
        while (j < other.length && other[j] < out[i]) j++;
        if (j < other.length && other[j] === out[i]) kept.push(out[i]);
      }
      out = kept;
    }
    return out;
  };

  Store.prototype.chunkOf = function (doc) {
    var lo = 0, hi = this.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid].start <= doc) lo = mid; else hi = mid - 1;
    }
    return this.chunks[lo];
  };

  Store.prototype.loadChunk = function (chunk) {
    var self = this;
    if (!this.loading[chunk.key]) {
      this.loading[chunk.key] = this.loadData(chunk.key, chunk.path).then(function (records) {
        var g = chunk.group;
        records.forEach(function (r, i) {
          var searchable = r[2] ? r[2] + "\n" + r[4] : r[4];
          self.texts[chunk.start + i] = {
            id: chunk.start + i, kind: r[0], url: g.slug ? g.url + "#" + r[1] : r[1], title: r[2],
            path: r[3], text: r[4], folded: fold(searchable), report: g.slug ? g : null
          };
        });
      });
    }
    return this.loading[chunk.key];
  };

  Store.prototype.loadTexts = function (docs) {
    var self = this, wanted = {};
    docs.forEach(function (d) { if (!self.texts[d]) { var c = self.chunkOf(d); wanted[c.key] = c; } });
    return Promise.all(Object.keys(wanted).map(function (k) { return self.loadChunk(wanted[k]); }));
  };

  // Everything (tests and bench/search.py: the whole library at once).
  Store.prototype.loadAll = function () {
    var self = this, shards = [];
    for (var k = 0; k < this.shardCount; k++) shards.push(this.loadShard(k));
    return Promise.all(shards.concat(this.chunks.map(function (c) { return self.loadChunk(c); })));
  };

  // ---- a query: candidates in the order shown, confirmed page by page --------

  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at >= 0) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  // Candidates confirmed in order, as many at a time as asked for; a chunk is
  // loaded only when one of its documents is about to be shown.
  function Pager(store, ids, confirm) {
    this.store = store; this.ids = ids; this.confirm = confirm;
    this.at = 0; this.shown = [];
  }

  Pager.prototype.done = function () { return this.at >= this.ids.length; };

  Pager.prototype.next = function (n) {
    var self = this, wanted = this.shown.length + n, round = 0;
    function step() {
      if (self.shown.length >= wanted || self.done()) return Promise.resolve(self.shown);
      // a batch as large as the results missing, doubling while candidates fail
      var batch = self.ids.slice(self.at, self.at + Math.max(wanted - self.shown.length, n << round++));
      return self.store.loadTexts(batch).then(function () {
        batch.forEach(function (id) { var doc = self.store.texts[id]; if (self.confirm(doc)) self.shown.push(doc); });
        self.at += batch.length;
        return step();
      });
    }
    return step();
  };

  // Synchronous, with every text loaded (tests, bench).
  Pager.prototype.all = function () {
    var self = this;
    this.ids.slice(this.at).forEach(function (id) { var doc = self.store.texts[id]; if (self.confirm(doc)) self.shown.push(doc); });
    this.at = this.ids.length;
    return this.shown;
  };

  // Notes (annotation entries): names holding the phrase first, then the rest
  // in their order. Report blocks: newest report first, in reading order; with
  // `scope`, only that report's.
  function arrange(store, p, ids, scope, exact) {
    var notes = [], named = [], blocks = [], group = scope ? store.group(scope) : null;
    ids.forEach(function (id) {
      if (id < store.notes.end) {
        var title = exact ? fold(store.notes.names[id - store.notes.start] || "") : "";
        var rank = title === p.phrase ? 2 : title.indexOf(p.phrase) >= 0 && p.phrase ? 1 : 0;
        (rank ? named : notes).push({ id: id, rank: rank });
      } else if (!group || (id >= group.start && id < group.end)) {
        blocks.push(id);
      }
    });
    named.sort(function (a, b) { return b.rank - a.rank || a.id - b.id; });
    return { notes: named.concat(notes).map(function (n) { return n.id; }), blocks: blocks };
  }

  // The outcome of a query: pagers for notes and report blocks, and whether
  // they hold the phrase (exact) or, failing that, every word of it.
  function Outcome(store, p, scope, exact, ids) {
    var parts = arrange(store, p, ids, scope, exact);
    var confirm = exact
      ? (p.known ? function () { return true; } : function (doc) { return doc.folded.indexOf(p.phrase) >= 0; })
      : function (doc) { return p.pieces.every(function (w) { return doc.folded.indexOf(w) >= 0; }); };
    var knownLoose = !exact && p.pieces.length === 1 && Array.from(p.pieces[0]).length <= 2;
    this.plan = p; this.exact = exact; this.scope = scope;
    this.known = exact ? p.known : knownLoose; // counts are known before any text is read
    this.notes = new Pager(store, parts.notes, confirm);
    this.blocks = new Pager(store, parts.blocks, confirm);
    this.store = store;
  }

  // Results so far are counted exactly once every candidate is confirmed.
  Outcome.prototype.total = function () {
    if (this.known) return this.notes.ids.length + this.blocks.ids.length;
    return this.notes.done() && this.blocks.done() ? this.notes.shown.length + this.blocks.shown.length : null;
  };

  // Per report: the number of results when known (report group index -> count).
  Outcome.prototype.groupCount = function (group) {
    var pager = this.blocks;
    if (!this.known && !pager.done()) return null;
    var list = this.known ? pager.ids : pager.shown.map(function (d) { return d.id; });
    return list.filter(function (id) { return id >= group.start && id < group.end; }).length;
  };

  Outcome.prototype.needles = function () { return this.exact ? [this.plan.phrase] : this.plan.pieces; };

  // Candidates for the exact phrase; when none holds it, for its words.
  function query(store, text, scope, first) {
    var p = plan(text);
    if (!p.phrase) return Promise.resolve(new Outcome(store, p, scope, true, []));
    return store.loadShards(p.exact).then(function () {
      var outcome = new Outcome(store, p, scope, true, store.candidates(p.exact));
      // next(n) confirms until n are found or the candidates run out: none shown, none there
      return Promise.all([outcome.notes.next(first.notes), outcome.blocks.next(first.blocks)]).then(function () {
        if (outcome.notes.shown.length || outcome.blocks.shown.length || !p.pieces.length) return outcome;
        return store.loadShards(p.loose).then(function () {
          var loose = new Outcome(store, p, scope, false, store.candidates(p.loose));
          return Promise.all([loose.notes.next(first.notes), loose.blocks.next(first.blocks)]).then(function () { return loose; });
        });
      });
    });
  }

  // The same, synchronously, with everything loaded (tests, bench): every result.
  function querySync(store, text, scope) {
    var p = plan(text);
    var outcome = new Outcome(store, p, scope, true, p.phrase ? store.candidates(p.exact) : []);
    var results = outcome.notes.all().concat(outcome.blocks.all());
    if (!results.length && p.pieces.length) {
      outcome = new Outcome(store, p, scope, false, store.candidates(p.loose));
      results = outcome.notes.all().concat(outcome.blocks.all());
    }
    return { plan: p, exact: outcome.exact || !results.length, results: results };
  }

  // Where the needles occur in a text: [[start, end], …], sorted, not overlapping.
  function ranges(text, needles) {
    var folded = fold(text), found = [];
    needles.forEach(function (needle) {
      if (!needle) return;
      for (var at = folded.indexOf(needle); at >= 0; at = folded.indexOf(needle, at + needle.length)) {
        found.push([at, at + needle.length]);
      }
    });
    found.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    found.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  }

  var api = { fold: fold, terms: terms, plan: plan, queryTerms: queryTerms, fnv1a: fnv1a, Store: Store,
              query: query, querySync: querySync, ranges: ranges, count: count };
  if (typeof module === "object" && module.exports) module.exports = api; // node: tests
  if (typeof document === "undefined") return;

  // ---- browser ------------------------------------------------------------
  var script = document.currentScript;
  // data-root is relative to the page (Pelican writes relative URLs)
  var root = script.hasAttribute("data-root") ? new URL(script.getAttribute("data-root"), location.href) : new URL("../../", script.src);
  var manifestSrc = script.getAttribute("data-manifest");
  var here = script.getAttribute("data-report") || "";  // the report this page shows, if any
  var L = JSON.parse(script.getAttribute("data-labels") || "{}");
  // examples come from the report's report.yml (search_examples), one a line
  var examples = (script.getAttribute("data-examples") || "").split("\n").filter(Boolean);
  var FIRST = { notes: 3, blocks: 10 };        // the search page's first page
  var DROPDOWN = { notes: 3, blocks: 5 };
  var store = null, listeners = [], loading = null, loadError = null;

  function say(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  // A data file: a script that registers itself in window.SEARCH_DATA[key].
  function loadData(key, src) {
    var data = window.SEARCH_DATA || {};
    if (data[key]) return Promise.resolve(data[key]);
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = new URL(src, root).href;
      tag.onload = function () {
        var found = (window.SEARCH_DATA || {})[key];
        if (found) resolve(found); else reject(new Error(say(L.load_error, { src: src })));
      };
      tag.onerror = function () { reject(new Error(say(L.load_error, { src: src }))); };
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (loading) return loading;
    loading = loadData("manifest", manifestSrc).then(function (manifest) {
      store = new Store(manifest, loadData);
      listeners.forEach(function (fn) { fn(); });
      return store;
    }).catch(function (error) {
      loadError = error;
      listeners.forEach(function (fn) { fn(); });
    });
    return loading;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text; // user input and data become text, never HTML
    return node;
  }

  // Text with the needles wrapped in <mark>; a window around the first match.
  function highlighted(tag, className, text, needles, width) {
    var node = el(tag, className), found = ranges(text, needles);
    var start = 0, end = text.length;
    if (width && text.length > width) {
      start = found.length ? Math.max(0, found[0][0] - Math.floor(width / 4)) : 0;
      end = Math.min(text.length, start + width);
      start = Math.max(0, Math.min(start, end - width));
    }
    if (start > 0) node.appendChild(document.createTextNode("…"));
    var at = start;
    found.forEach(function (r) {
      var a = Math.max(r[0], start), b = Math.min(r[1], end);
      if (a >= b) return;
      if (a > at) node.appendChild(document.createTextNode(text.slice(at, a)));
      node.appendChild(el("mark", "", text.slice(a, b)));
      at = b;
    });
    if (at < end) node.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) node.appendChild(document.createTextNode("…"));
    return node;
  }

  function kindName(doc) { return (L.kinds || {})[doc.kind] || doc.kind; }

  function href(doc, needles) {
    var parts = doc.url.split("#");
    var url = new URL(parts[0], root);
    if (parts[1] !== undefined && doc.report) url.searchParams.set("hl", needles.join(" "));
    return url.href.split("#")[0] + (parts[1] !== undefined ? "#" + parts[1] : "");
  }

  function reportName(group) { return group.title; }

  function searchPageUrl(text, scope) {
    var url = new URL("search.html", root);
    url.searchParams.set("q", text);
    if (scope) url.searchParams.set("report", scope);
    return url.href;
  }

  // Help for no results: the longest part of the query that is found, and
  // glossary terms sharing a pair (or the character) with it.
  function suggestions(phrase, scope) {
    var chars = Array.from(phrase), parts = [];
    for (var len = Math.min(chars.length - 1, 12); len >= 1; len--) {
      for (var i = 0; i + len <= chars.length; i++) {
        var part = chars.slice(i, i + len).join("").trim();
        if (part && Array.from(part).length === len && parts.indexOf(part) < 0) parts.push(part);
      }
    }
    function tryPart(n) {
      if (n >= parts.length || n > 40) return Promise.resolve("");
      return query(store, parts[n], scope, { notes: 1, blocks: 1 }).then(function (o) {
        return o.exact && (o.notes.shown.length || o.blocks.shown.length) ? parts[n] : tryPart(n + 1);
      });
    }
    var keys = terms(phrase).filter(function (t) { return Array.from(t).length === 2 || chars.length === 1; });
    var related = [];
    store.notes.names.forEach(function (name, i) {
      var folded = fold(name || "");
      if (related.length < 12 && keys.some(function (k) { return folded.indexOf(k) >= 0; })) related.push(store.notes.start + i);
    });
    return Promise.all([tryPart(0), store.loadTexts(related)]).then(function (found) {
      var docs = related.map(function (id) { return store.texts[id]; })
        .filter(function (d) { return d.kind === "term"; }).slice(0, 8);
      return { shorter: found[0], terms: docs };
    });
  }

  function helpList(box, phrase, scope) {
    return suggestions(phrase, scope).then(function (help) {
      if (help.shorter) {
        var p = el("p", "", L.shorter), link = el("a", "", help.shorter);
        link.href = searchPageUrl(help.shorter, scope);
        p.appendChild(link);
        box.appendChild(p);
      }
      if (help.terms.length) {
        box.appendChild(el("p", "", L.related_terms));
        var list = el("ul", "search-help-terms");
        help.terms.forEach(function (doc) {
          var item = el("li"), a = el("a", "", doc.title);
          a.href = new URL(doc.url, root).href;
          item.appendChild(a);
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      var glossary = el("p"), g = el("a", "", L.all_terms);
      g.href = new URL("glossary.html", root).href;
      glossary.appendChild(g);
      box.appendChild(glossary);
    });
  }

  // ---- the search page: ?q=…&report=…, updated as you type ------------------

  function resultItem(doc, needles) {
    var item = el("li", "search-result search-kind-" + doc.kind);
    var link = el("a", "search-result-link");
    link.href = href(doc, needles);
    link.appendChild(el("span", "search-kind", kindName(doc)));
    if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
    else link.appendChild(el("span", "search-where", doc.path || kindName(doc)));
    item.appendChild(link);
    item.appendChild(highlighted("p", "search-snippet", doc.text, needles, 120));
    return item;
  }

  function searchPage(input) {
    var main = document.querySelector(".search-page");
    var status = main.querySelector(".search-status");
    var results = main.querySelector(".search-groups");
    var scopeLine = el("p", "search-scope"), extra = el("div", "search-extra"), baseTitle = document.title;
    status.parentNode.insertBefore(scopeLine, status.nextSibling);
    results.parentNode.insertBefore(extra, results.nextSibling);
    var params = new URLSearchParams(location.search);
    var scope = params.get("report") || "", turn = 0;

    function showScope() {
      scopeLine.textContent = "";
      var group = store && scope ? store.group(scope) : null;
      scopeLine.hidden = !group;
      if (!group) return;
      scopeLine.appendChild(document.createTextNode(say(L.scope, { report: reportName(group) }) + " "));
      var all = el("a", "search-scope-all", L.scope_all);
      all.href = searchPageUrl(input.value, "");
      all.addEventListener("click", function (event) {
        event.preventDefault();
        scope = "";
        var url = new URL(location.href);
        url.searchParams.delete("report");
        history.replaceState(null, "", url.href);
        render();
      });
      scopeLine.appendChild(all);
    }

    // One section per group (notes, then each report), filled as pages arrive.
    function draw(outcome, needles) {
      results.textContent = "";
      var sections = {};
      function section(key, title, year, countValue) {
        if (sections[key]) return sections[key];
        var box = el("section", "search-group");
        box.setAttribute("data-group", key);
        var heading = el("h2", "search-group-title", title);
        if (countValue !== null && countValue !== undefined) heading.appendChild(el("span", "search-group-count", say(L.group_count, { count: countValue })));
        box.appendChild(heading);
        box.appendChild(el("ol", "search-results"));
        results.appendChild(box);
        return (sections[key] = box);
      }
      outcome.notes.shown.forEach(function (doc) {
        section("", L.notes, null, null).querySelector("ol").appendChild(resultItem(doc, needles));
      });
      if (!outcome.notes.done()) moreButton(section("", L.notes), function () { return outcome.notes.next(10); });
      outcome.blocks.shown.forEach(function (doc) {
        var g = doc.report;
        section(g.slug, reportName(g), g.year, outcome.groupCount(g)).querySelector("ol").appendChild(resultItem(doc, needles));
      });
      if (!outcome.blocks.done()) moreButton(results, function () { return outcome.blocks.next(FIRST.blocks); });

      function moreButton(parent, fetchMore) {
        var button = el("button", "search-more", L.more);
        button.type = "button";
        button.addEventListener("click", function () {
          button.disabled = true;
          state("busy");
          fetchMore().then(function () { draw(outcome, needles); status.textContent = statusText(outcome); state("done"); });
        });
        parent.appendChild(button);
      }
    }

    function statusText(outcome) {
      var phrase = outcome.plan.phrase, total = outcome.total();
      var n = outcome.notes.shown.length + outcome.blocks.shown.length;
      if (!outcome.exact) return say(L.partial, { phrase: phrase, count: total === null ? n + "+" : total, pieces: outcome.plan.pieces.join(L.pieces_separator) });
      return total === null ? say(L.found_open, { phrase: phrase }) : say(L.found, { phrase: phrase, count: total });
    }

    // data-search on the page: "busy" while a query runs, "done" once shown (tests wait on it)
    function state(value) { main.setAttribute("data-search", value); }

    function render() {
      var text = input.value, mine = ++turn;
      var phrase = plan(text).phrase;
      extra.textContent = "";
      state("busy");
      document.title = phrase ? phrase + " · " + baseTitle : baseTitle;
      if (store) showScope();
      if (!phrase) {
        results.textContent = "";
        status.textContent = L.prompt;
        var exampleList = el("ul", "search-examples");
        examples.forEach(function (word) {
          var item = el("li"), a = el("a", "", word);
          a.href = searchPageUrl(word, scope);
          item.appendChild(a);
          exampleList.appendChild(item);
        });
        extra.appendChild(exampleList);
        state("done");
        return;
      }
      if (loadError) { status.textContent = loadError.message; state("done"); return; }
      if (!store) { status.textContent = L.loading; return; }
      // the first result of each kind as soon as its chunk is in, then the rest of the page
      query(store, text, store.group(scope) ? scope : "", { notes: 1, blocks: 1 }).then(function (outcome) {
        if (mine !== turn) return;
        var needles = outcome.needles();
        draw(outcome, needles);
        status.textContent = statusText(outcome);
        return Promise.all([outcome.notes.next(FIRST.notes - outcome.notes.shown.length),
                            outcome.blocks.next(FIRST.blocks - outcome.blocks.shown.length)]).then(function () {
          return outcome;
        });
      }).then(function (outcome) {
        if (!outcome || mine !== turn) return;
        var needles = outcome.needles();
        draw(outcome, needles);
        if (!outcome.notes.shown.length && !outcome.blocks.shown.length) {
          status.textContent = say(L.none, { phrase: phrase });
          var box = el("div", "search-help");
          extra.appendChild(box);
          return helpList(box, phrase, store.group(scope) ? scope : "").then(function () {
            if (mine === turn) state("done");
          });
        }
        status.textContent = statusText(outcome);
        state("done");
      }).catch(function (error) {
        if (mine === turn) { status.textContent = error.message; state("done"); }
      });
    }

    input.value = params.get("q") || "";
    listeners.push(render);
    render();
    load();
    input.addEventListener("input", function () {
      var url = new URL(location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url.href);
      render();
    });
  }

  // ---- the search box on every page: a combobox with a listbox of results --
  // On a report page it searches that report, and offers all reports.

  function dropdown(form, input) {
    var listbox = el("ul", "search-dropdown");
    listbox.id = "site-search-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", L.listbox);
    listbox.hidden = true;
    var live = el("p", "visually-hidden");
    live.setAttribute("role", "status");
    form.appendChild(listbox);
    form.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");
    if (here) form.setAttribute("data-report", here);
    var active = -1, turn = 0;

    function options() { return listbox.querySelectorAll("[role=option]"); }

    function setActive(i) {
      var all = options();
      active = all.length ? (i + all.length) % all.length : -1;
      Array.prototype.forEach.call(all, function (o, j) { o.setAttribute("aria-selected", j === active ? "true" : "false"); });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function option(id, url, build) {
      var item = el("li", "search-option");
      item.id = id;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var link = el("a");
      link.href = url;
      link.tabIndex = -1;
      build(link);
      item.appendChild(link);
      listbox.appendChild(item);
    }

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function show(outcome) {
      var phrase = outcome.plan.phrase, needles = outcome.needles();
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      var docs = outcome.notes.shown.slice(0, DROPDOWN.notes).concat(outcome.blocks.shown.slice(0, DROPDOWN.blocks));
      docs.forEach(function (doc, i) {
        option("site-search-option-" + i, href(doc, needles), function (link) {
          link.appendChild(el("span", "search-kind", kindName(doc)));
          if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
          else link.appendChild(el("span", "search-where", [reportName(doc.report), doc.path].filter(Boolean).join(" › ")));
          link.appendChild(highlighted("span", "search-snippet", doc.text, needles, 60));
        });
      });
      var total = outcome.total(), scope = outcome.scope;
      option("site-search-option-all", searchPageUrl(input.value, scope), function (link) {
        link.appendChild(el("span", "search-all", !docs.length ? say(L.dropdown_none, { phrase: phrase })
          : total === null ? L.dropdown_more : say(L.dropdown_all, { count: total })));
      });
      if (scope) {
        option("site-search-option-everywhere", searchPageUrl(input.value, ""), function (link) {
          link.appendChild(el("span", "search-all search-everywhere", say(L.dropdown_everywhere, { phrase: phrase })));
        });
      }
      live.textContent = !docs.length ? L.live_none : total === null ? L.live_some : say(L.live_count, { count: total });
      open();
    }

    function render() {
      var text = input.value, mine = ++turn;
      var phrase = plan(text).phrase;
      if (!phrase || document.activeElement !== input) { close(); return; }
      if (loadError || !store) {
        listbox.textContent = "";
        listbox.appendChild(el("li", "search-note", loadError ? loadError.message : L.loading));
        open();
        return;
      }
      query(store, text, here && store.group(here) ? here : "", DROPDOWN).then(function (outcome) {
        if (mine === turn && document.activeElement === input) show(outcome);
      }).catch(function (error) {
        listbox.textContent = "";
        listbox.appendChild(el("li", "search-note", error.message));
        open();
      });
    }

    listeners.push(render);
    input.addEventListener("focus", function () { load(); if (input.value) render(); });
    input.addEventListener("input", function () { load(); render(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        // the list closed by Escape still holds the results for this text: reopen it
        if (listbox.hidden) { if (options().length) open(); else render(); }
        event.preventDefault();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        location.href = options()[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        // first Escape closes the list (and keeps the text, which a search
        // input would otherwise clear); a second one clears it
        if (!listbox.hidden) { event.preventDefault(); close(); }
      }
    });
    // keep focus in the input while a result is clicked
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    // Enter without a chosen option: the search page, scoped to this report
    form.addEventListener("submit", function (event) {
      if (!here) return;
      event.preventDefault();
      location.href = searchPageUrl(input.value, here);
    });
  }

  // ---- arrival on a report block from a result: highlight the match --------
  // <mark> elements go around existing text only: the block's characters do
  // not change. Text inside [data-ui] (permalinks) is not searched.
  function clearHighlights() {
    Array.prototype.forEach.call(document.querySelectorAll("mark.search-hit"), function (mark) {
      var parent = mark.parentNode;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      parent.removeChild(mark);
      parent.normalize();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".search-target"), function (b) { b.classList.remove("search-target"); });
  }

  function highlightBlock(block, text) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("[data-ui]") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [], all = "", node;
    while ((node = walker.nextNode())) { nodes.push({ node: node, start: all.length }); all += node.data; }
    var p = plan(text), found = ranges(all, [p.phrase]);
    if (!found.length) found = ranges(all, p.pieces);
    var segments = [];
    found.forEach(function (r) {
      nodes.forEach(function (n) {
        var a = Math.max(r[0], n.start), b = Math.min(r[1], n.start + n.node.data.length);
        if (a < b) segments.push({ node: n.node, a: a - n.start, b: b - n.start });
      });
    });
    for (var i = segments.length - 1; i >= 0; i--) { // from the end: earlier offsets stay valid
      var s = segments[i], range = document.createRange();
      range.setStart(s.node, s.a);
      range.setEnd(s.node, s.b);
      range.surroundContents(el("mark", "search-hit"));
    }
    block.classList.add("search-target");
    return found.length;
  }

  function highlightFromUrl() {
    var text = new URLSearchParams(location.search).get("hl");
    clearHighlights();
    if (!text || !location.hash) return;
    var block = document.getElementById(decodeSafely(location.hash.slice(1)));
    if (block && block.hasAttribute("data-block")) highlightBlock(block, text);
  }

  var form = document.querySelector("form.site-search");
  var input = document.getElementById("site-search-input");
  if (input && document.querySelector(".search-page")) {
    searchPage(input);
  } else if (form && input) {
    dropdown(form, input);
  }
  highlightFromUrl();
  window.addEventListener("hashchange", highlightFromUrl);

  // For tests and bench/search.py. ready(): the manifest, then every shard and
  // chunk (the whole library: never what a reader's search does); search(q):
  // every result, synchronously, once ready; query(q, scope): what the page does.
  var everything = null;
  window.siteSearch = {
    ready: function () {
      return everything || (everything = load().then(function () { return store.loadAll(); }));
    },
    search: function (text, scope) { return querySync(store, text, scope || ""); },
    query: function (text, scope, first) {
      return load().then(function () { return query(store, text, scope || "", first || FIRST); });
    },
    store: function () { return store; },
    plan: plan, terms: terms
  };
})();
