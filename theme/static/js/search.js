// Search, in the browser. The index is built at build time by
// plugins/search_index (lunr.py) and loaded with <script src> on first use, so
// search also works from file://. The tokenizer below is the same rule as
// plugins/search_index/tokenize.py; tests/search_vectors.json holds both to it.
//
// A query goes through lunr's index.query API, never index.search: user input
// is never parsed as lunr query syntax ("养老:", "-养老", "碳~1" are text).
// lunr finds candidates (every token required); each candidate is confirmed
// against its text, so what is shown contains what was typed.
(function () {
  "use strict";

  // A hand-typed or cut-off link can hold a malformed %-escape (#%E0%A4%A):
  // decodeURIComponent throws URIError on it and would stop this script part-way.
  // Such a fragment names no element anyway: keep the raw text. (URLSearchParams
  // never throws: it turns a bad escape into U+FFFD.)
  function decodeSafely(text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  }

  // ---- tokenizer (shared rule) -------------------------------------------
  var HAN = "\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var SEGMENT = new RegExp("([" + HAN + "]+)|([a-z0-9]+(?:\\.[a-z0-9]+)*)", "gu");
  var HAN_ONLY = new RegExp("^[" + HAN + "]+$", "u");
  // A piece of a query: what stands between spaces and punctuation.
  var PIECE = new RegExp("(?:[" + HAN + "]|[a-z0-9])+(?:\\.(?:[" + HAN + "]|[a-z0-9])+)*", "gu");
  var MAX_QUERY = 60; // characters: longer input is cut, not refused

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

  function tokenize(text) {
    var tokens = [], folded = fold(text), match;
    SEGMENT.lastIndex = 0;
    while ((match = SEGMENT.exec(folded))) {
      if (match[2]) { tokens.push(match[2]); continue; }
      var chars = Array.from(match[1]);
      if (chars.length === 1) tokens.push(chars[0]);
      for (var i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
    }
    return tokens;
  }

  // ---- query plan ----------------------------------------------------------
  var LEADING = 1, TRAILING = 2; // lunr.Query.wildcard values

  // The normalized query, its pieces, and two sets of lunr clauses. A bigram
  // is matched as it is. An ASCII word or a lone Han character may continue in
  // the text (碳 in 低碳, 2.5 in pm2.5) and gets a wildcard on that side — in
  // `exact`, only at the ends of the phrase (or next to a dot, as in "1." of
  // 1.85): punctuation inside the phrase is punctuation in the text too, a
  // token boundary. `loose` puts wildcards at every piece's ends, for texts
  // that hold the pieces apart. Leading wildcards are the costly ones.
  function plan(query) {
    var phrase = Array.from(fold(String(query)).trim()).slice(0, MAX_QUERY).join("").trim();
    var pieces = [], exact = [], loose = [], seen = {}, match;
    function add(list, tag, term, wildcard) {
      var key = tag + term + "\u0000" + wildcard;
      if (!seen[key]) { seen[key] = true; list.push({ term: term, wildcard: wildcard }); }
    }
    PIECE.lastIndex = 0;
    while ((match = PIECE.exec(phrase))) {
      var piece = match[0], start = match.index, end = start + piece.length;
      var tokens = tokenize(piece);
      pieces.push(piece);
      tokens.forEach(function (token, i) {
        var open = !(HAN_ONLY.test(token) && Array.from(token).length === 2);
        var ascii = !HAN_ONLY.test(token);
        var first = open && i === 0, last = open && i === tokens.length - 1;
        var softBefore = start === 0 || (ascii && phrase.charAt(start - 1) === ".");
        var softAfter = end === phrase.length || (ascii && phrase.charAt(end) === ".");
        add(exact, "e", token, (first && softBefore ? LEADING : 0) | (last && softAfter ? TRAILING : 0));
        add(loose, "l", token, (first ? LEADING : 0) | (last ? TRAILING : 0));
      });
    }
    return { phrase: phrase, pieces: pieces, exact: exact, loose: loose };
  }

  // ---- packs: the index as built by the site, rebuilt for lunr.Index.load ---
  function unpack(data, lunr) {
    var index = data.index, terms = Array.from(index.singles);
    index.bigrams.split(" ").forEach(function (group) {
      var chars = Array.from(group);
      for (var i = 1; i < chars.length; i++) terms.push(chars[0] + chars[i]);
    });
    if (index.words) terms = terms.concat(index.words.split(" "));
    terms.sort(); // UTF-16 order, as the postings were written and as lunr's token set needs
    var lists = index.postings.split(";");
    if (terms.length !== index.count || lists.length !== index.count) {
      throw new Error("search pack is inconsistent: " + terms.length + " terms, " + lists.length + " postings");
    }
    var inverted = [], vectors = {};
    terms.forEach(function (term, i) {
      var refs = {}, doc = 0;
      lists[i].split(",").forEach(function (delta) {
        doc += Number(delta);
        refs[doc] = {};
        (vectors[doc] = vectors[doc] || []).push(i, 1);
      });
      inverted.push([term, { _index: i, t: refs }]);
    });
    var fieldVectors = Object.keys(vectors).map(function (doc) { return ["t/" + doc, vectors[doc]]; });
    var docs = data.docs.map(function (d) {
      var searchable = d[2] ? d[2] + "\n" + d[4] : d[4];
      return { kind: d[0], url: d[1], title: d[2], path: d[3], text: d[4], folded: fold(searchable) };
    });
    return {
      index: lunr.Index.load({ version: "2.3.9", fields: ["t"], fieldVectors: fieldVectors,
                               invertedIndex: inverted, pipeline: [] }),
      docs: docs
    };
  }

  function count(haystack, needle) {
    var n = 0, at = haystack.indexOf(needle);
    while (at >= 0) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  // Documents that may hold the query, for confirmation against their text.
  // lunr answers the clauses it answers fast: bigrams and words, with a
  // trailing wildcard or none. A leading wildcard makes lunr walk its whole
  // token set (20-80 ms for 碳 in Chromium), so such a clause is left to the
  // confirmation, which reads the text anyway; when no clause is left (碳,
  // 5g, or punctuation such as + and “”), every document is a candidate.
  function candidates(packs, allClauses, lunr) {
    var found = [];
    var clauses = allClauses.filter(function (c) { return !(c.wildcard & LEADING); });
    packs.forEach(function (pack) {
      if (!clauses.length) {
        pack.docs.forEach(function (doc, i) { found.push({ doc: doc, rank: i }); });
        return;
      }
      pack.index.query(function (q) {
        clauses.forEach(function (c) {
          q.term(c.term, { presence: lunr.Query.presence.REQUIRED, wildcard: c.wildcard, usePipeline: false });
        });
      }).forEach(function (hit, i) { found.push({ doc: pack.docs[Number(hit.ref)], rank: i }); });
    });
    return found;
  }

  // Results across packs: exact phrase matches, ranked names first, then by
  // occurrences, then by lunr's order. Only when nothing contains the phrase
  // (养老: or 高铁 双减) are texts containing every piece shown, marked partial.
  function search(packs, query, lunr) {
    var p = plan(query);
    if (!p.phrase) return { plan: p, exact: true, results: [] };
    var results = [];
    candidates(packs, p.exact, lunr).forEach(function (c) {
      var n = count(c.doc.folded, p.phrase), title = fold(c.doc.title || "");
      if (n) results.push({ doc: c.doc, count: n, rank: c.rank, named: title === p.phrase ? 2 : title.indexOf(p.phrase) >= 0 ? 1 : 0 });
    });
    var exact = results.length > 0;
    if (!exact && p.pieces.length) {
      candidates(packs, p.loose, lunr).forEach(function (c) {
        if (p.pieces.every(function (piece) { return c.doc.folded.indexOf(piece) >= 0; })) {
          results.push({ doc: c.doc, count: 1, rank: c.rank, named: 0 });
        }
      });
    }
    results.sort(function (a, b) { return b.named - a.named || b.count - a.count || a.rank - b.rank; });
    return { plan: p, exact: exact || !results.length, results: results.map(function (r) { return r.doc; }) };
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

  function needlesOf(outcome) {
    return outcome.exact ? [outcome.plan.phrase] : outcome.plan.pieces;
  }

  var api = { fold: fold, tokenize: tokenize, plan: plan, unpack: unpack, search: search, ranges: ranges };
  if (typeof module === "object" && module.exports) module.exports = api; // node: the tokenizer tests
  if (typeof document === "undefined") return;

  // ---- browser ------------------------------------------------------------
  var script = document.currentScript;
  // data-root is relative to the page (Pelican writes relative URLs)
  var root = script.hasAttribute("data-root") ? new URL(script.getAttribute("data-root"), location.href) : new URL("../../", script.src);
  var lunrSrc = script.getAttribute("data-lunr");
  var packSrcs = (script.getAttribute("data-packs") || "").split(" ").filter(Boolean);
  // examples come from the report's report.yml (search_examples), one a line
  var examples = (script.getAttribute("data-examples") || "").split("\n").filter(Boolean);
  var packs = [], listeners = [], loading = null, loadError = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = new URL(src, root).href;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("无法加载搜索数据：" + src)); };
      document.head.appendChild(tag);
    });
  }

  // lunr, then the report pack, then the annotation pack: results for the
  // report show before the second pack has arrived.
  function load() {
    if (loading) return loading;
    loading = loadScript(lunrSrc).then(function () {
      return packSrcs.reduce(function (chain, src) {
        return chain.then(function () { return loadScript(src); }).then(function () {
          var name = src.split("/").pop().split(".")[0];
          packs.push(unpack(window.SEARCH_PACKS[name], window.lunr));
          listeners.forEach(function (fn) { fn(); });
        });
      }, Promise.resolve());
    }).catch(function (error) {
      loadError = error;
      listeners.forEach(function (fn) { fn(); });
    });
    return loading;
  }

  function run(query) { return search(packs, query, window.lunr); }

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

  var KIND_NAMES = { heading: "标题", paragraph: "报告", term: "术语", thread: "线索", indicator: "指标" };

  function href(doc, needles) {
    var parts = doc.url.split("#");
    var url = new URL(parts[0], root);
    if (parts[1] !== undefined && (doc.kind === "paragraph" || doc.kind === "heading")) {
      url.searchParams.set("hl", needles.join(" "));
    }
    return url.href.split("#")[0] + (parts[1] !== undefined ? "#" + parts[1] : "");
  }

  function where(doc) {
    if (doc.kind === "paragraph" || doc.kind === "heading") return doc.path || KIND_NAMES[doc.kind];
    return doc.path;
  }

  function searchPageUrl(query) {
    var url = new URL("search.html", root);
    url.searchParams.set("q", query);
    return url.href;
  }

  // Help for no results: the longest part of the query that is found, and
  // glossary terms sharing a bigram (or the character) with it.
  function suggestions(phrase) {
    var chars = Array.from(phrase), shorter = "", terms = [];
    var all = [];
    packs.forEach(function (pack) { all = all.concat(pack.docs); });
    for (var len = Math.min(chars.length - 1, 12); len >= 2 && !shorter; len--) {
      for (var i = 0; i + len <= chars.length && !shorter; i++) {
        var part = chars.slice(i, i + len).join("").trim();
        if (part && Array.from(part).length === len && all.some(function (d) { return d.folded.indexOf(part) >= 0; })) shorter = part;
      }
    }
    var keys = tokenize(phrase);
    all.forEach(function (d) {
      if (d.kind !== "term" || terms.length >= 8) return;
      var name = fold(d.title);
      if (keys.some(function (k) { return name.indexOf(k) >= 0; })) terms.push(d);
    });
    return { shorter: shorter, terms: terms };
  }

  function helpList(phrase) {
    var box = el("div", "search-help"), help = suggestions(phrase);
    if (help.shorter) {
      var p = el("p", "", "试试更短的词：");
      var link = el("a", "", help.shorter);
      link.href = searchPageUrl(help.shorter);
      p.appendChild(link);
      box.appendChild(p);
    }
    if (help.terms.length) {
      box.appendChild(el("p", "", "术语表中相关的词："));
      var list = el("ul", "search-help-terms");
      help.terms.forEach(function (d) {
        var item = el("li"), a = el("a", "", d.title);
        a.href = new URL(d.url, root).href;
        item.appendChild(a);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    var glossary = el("p"), g = el("a", "", "浏览全部术语");
    g.href = new URL("glossary.html", root).href;
    glossary.appendChild(g);
    box.appendChild(glossary);
    return box;
  }

  // ---- the search page: results for ?q=, updated as you type ---------------

  function searchPage(input) {
    var main = document.querySelector(".search-page");
    var status = main.querySelector(".search-status");
    var list = main.querySelector(".search-results");
    var extra = el("div", "search-extra"), baseTitle = document.title;
    list.parentNode.insertBefore(extra, list.nextSibling);

    function render() {
      var query = input.value;
      list.textContent = "";
      extra.textContent = "";
      var phrase = plan(query).phrase;
      document.title = phrase ? phrase + " · " + baseTitle : baseTitle;
      if (!phrase) {
        status.textContent = "输入要查找的词语，报告正文和注释都会被搜索。例如：";
        var exampleList = el("ul", "search-examples");
        examples.forEach(function (word) {
          var item = el("li"), a = el("a", "", word);
          a.href = searchPageUrl(word);
          item.appendChild(a);
          exampleList.appendChild(item);
        });
        extra.appendChild(exampleList);
        return;
      }
      if (loadError) { status.textContent = loadError.message; return; }
      if (!packs.length) { status.textContent = "正在加载搜索数据…"; return; }
      var outcome = run(query), needles = needlesOf(outcome);
      var n = outcome.results.length;
      if (!n) {
        status.textContent = "没有找到包含“" + phrase + "”的内容。";
        extra.appendChild(helpList(phrase));
        return;
      }
      status.textContent = outcome.exact
        ? "找到 " + n + " 处包含“" + phrase + "”的内容。"
        : "没有完全匹配“" + phrase + "”的内容；以下 " + n + " 处同时包含：" + needles.join("、") + "。";
      outcome.results.forEach(function (doc) {
        var item = el("li", "search-result search-kind-" + doc.kind);
        var link = el("a", "search-result-link");
        link.href = href(doc, needles);
        link.appendChild(el("span", "search-kind", KIND_NAMES[doc.kind]));
        if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
        else link.appendChild(el("span", "search-where", where(doc) || doc.url));
        item.appendChild(link);
        item.appendChild(highlighted("p", "search-snippet", doc.text, needles, 120));
        list.appendChild(item);
      });
    }

    var initial = new URLSearchParams(location.search).get("q") || "";
    input.value = initial;
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
  var DROPDOWN_SIZE = 8;

  function dropdown(form, input) {
    var listbox = el("ul", "search-dropdown");
    listbox.id = "site-search-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", "搜索结果");
    listbox.hidden = true;
    var live = el("p", "visually-hidden");
    live.setAttribute("role", "status");
    form.appendChild(listbox);
    form.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;

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

    function render() {
      var phrase = plan(input.value).phrase;
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!phrase || document.activeElement !== input) { close(); return; }
      if (loadError || !packs.length) {
        listbox.appendChild(el("li", "search-note", loadError ? loadError.message : "正在加载搜索数据…"));
      } else {
        var outcome = run(input.value), needles = needlesOf(outcome), n = outcome.results.length;
        outcome.results.slice(0, DROPDOWN_SIZE).forEach(function (doc, i) {
          option("site-search-option-" + i, href(doc, needles), function (link) {
            link.appendChild(el("span", "search-kind", KIND_NAMES[doc.kind]));
            if (doc.title) link.appendChild(highlighted("span", "search-title", doc.title, needles));
            else if (where(doc)) link.appendChild(el("span", "search-where", where(doc)));
            link.appendChild(highlighted("span", "search-snippet", doc.text, needles, 60));
          });
        });
        option("site-search-option-all", searchPageUrl(input.value), function (link) {
          link.appendChild(el("span", "search-all", n ? "全部 " + n + " 条结果 →" : "没有找到“" + phrase + "”，查看建议 →"));
        });
        live.textContent = n ? n + " 条结果" : "没有结果";
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    listeners.push(render);
    input.addEventListener("focus", function () { load(); if (input.value) render(); });
    input.addEventListener("input", function () { load(); render(); });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (listbox.hidden) render();
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

  function highlightBlock(block, query) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("[data-ui]") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [], text = "", node;
    while ((node = walker.nextNode())) { nodes.push({ node: node, start: text.length }); text += node.data; }
    var p = plan(query), found = ranges(text, [p.phrase]);
    if (!found.length) found = ranges(text, p.pieces);
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
    var query = new URLSearchParams(location.search).get("hl");
    clearHighlights();
    if (!query || !location.hash) return;
    var block = document.getElementById(decodeSafely(location.hash.slice(1)));
    if (block && block.hasAttribute("data-block")) highlightBlock(block, query);
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

  // for tests and bench/search.py
  window.siteSearch = { ready: function () { return load(); }, search: function (q) { return run(q); },
                        packs: packs, plan: plan, tokenize: tokenize };
})();
