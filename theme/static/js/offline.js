/* Registers the service worker (/sw.js, scoped to the site root) that keeps a
 * report readable and searchable offline; on a report page, asks it to cache
 * that report. Only on http(s): file:// pages cannot run a service worker.
 * When the report is cached, <html data-offline="ready"> (tests wait on it). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  var worker = script.getAttribute("data-sw");
  var report = script.getAttribute("data-report");
  function ready() { document.documentElement.setAttribute("data-offline", "ready"); }
  navigator.serviceWorker.register(worker).then(function () {
    return navigator.serviceWorker.ready;
  }).then(function (registration) {
    if (!report) { ready(); return; }
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      if (event.data && event.data.type === "report-cached") ready();
    };
    registration.active.postMessage({type: "cache-report", report: report}, [channel.port2]);
  }).catch(function () { /* offline reading is a bonus: the page works without it */ });
})();
