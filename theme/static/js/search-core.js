// Search's core, in the browser and in node (tests): the term rule, the
// split index that plugins/search_index writes (shards.py describes the
// files) and queries over it. theme/static/js/search.js is the interface.
//
// The terms are the same rule as plugins/search_index/tokenize.py (every
// character and every adjacent pair; tests/search_vectors.json holds both to
// it). A query of one or two characters is one term: its postings are its
// results. A longer one requires some of its pairs (every document holding
// the phrase holds them all), and each candidate is confirmed against its
// text before it is shown: what is shown contains what was typed.
(function () {
  "use strict";

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

  // A report's number of results, once known (else null).
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
              query: query, querySync: querySync, ranges: ranges };
  if (typeof module === "object" && module.exports) module.exports = api; // node: tests
  else self.searchCore = api;
})();
