/* The service worker: a report read once can be read and searched offline.
 * The build writes it as /sw.js, after one line that sets self.OFFLINE
 * (plugins/web_publish/offline.py): {version, shell: [...], reports: {slug: [...]}},
 * paths relative to the site root, which is this worker's scope.
 *
 * - install: cache the shell (home, search page, theme files, search shards);
 * - message {type: "cache-report", report}: cache that report's files, then answer
 *   {type: "report-cached", report} on the port given (theme/js/offline.js asks);
 * - activate: a new build's worker re-caches the reports the reader had, then
 *   deletes the old caches;
 * - fetch: pages from the network first (a corrected annotation shows at once),
 *   from the cache when offline; every other file from the cache first.
 */
"use strict";

var PREFIX = "reports-offline-";
var CACHE = PREFIX + self.OFFLINE.version;

function url(path) {
  return new URL(path, self.registration.scope).href;
}

function cacheReport(cache, slug) {
  var files = self.OFFLINE.reports[slug];
  return files ? cache.addAll(files.map(url)) : Promise.resolve();
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(self.OFFLINE.shell.map(url));
  }).then(function () { return self.skipWaiting(); }));
});

function carryOver(cache) {
  // the reports an older cache held: the reader keeps them, in this build's version
  return caches.keys().then(function (names) {
    var old = names.filter(function (name) { return name.indexOf(PREFIX) === 0 && name !== CACHE; });
    return Promise.all(old.map(function (name) {
      return caches.open(name).then(function (previous) {
        return Promise.all(Object.keys(self.OFFLINE.reports).map(function (slug) {
          return previous.match(url(slug + "/index.html")).then(function (had) {
            return had ? cacheReport(cache, slug).catch(function () {}) : null;
          });
        }));
      }).then(function () { return caches.delete(name); });
    }));
  });
}

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(CACHE).then(carryOver).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache-report") return;
  var port = event.ports[0];
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cacheReport(cache, data.report); })
    .then(function () { if (port) port.postMessage({type: "report-cached", report: data.report}); })
    .catch(function () { if (port) port.postMessage({type: "report-failed", report: data.report}); }));
});

function fromNetwork(request, cache) {
  return fetch(request).then(function (response) {
    // whole files only (a 206 cannot be cached), and no PDF: a phone's storage is for reading
    var keep = response.status === 200 && response.type === "basic" && !/\.pdf$/i.test(new URL(request.url).pathname);
    if (keep) cache.put(request, response.clone()).catch(function () {});
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  var page = request.mode === "navigate";
  event.respondWith(caches.open(CACHE).then(function (cache) {
    if (page) {
      // search.html?q=… is one page: the query is read by search.js
      return fromNetwork(request, cache).catch(function () {
        return cache.match(request, {ignoreSearch: true}).then(function (hit) { return hit || Response.error(); });
      });
    }
    return cache.match(request).then(function (hit) { return hit || fromNetwork(request, cache); });
  }));
});
