// The portal's service worker (vssid_portal/pwa.py serves it at the site root).
// It keeps the portal's own static files (CSS, JS, icons: CONFIG.precache, the URLs the
// pages use, hashed in production) in one cache and answers them from it. Every other
// request (pages, the API, PDFs, photos: anything that may hold personal data) is left to
// the network, as if there were no worker: no respondWith, nothing stored.
"use strict";

var CONFIG = {{ config|safe }};
var STATIC_PREFIX = new URL(CONFIG.staticUrl, self.location.href).href;
var PRECACHE = CONFIG.precache.map(function (url) {
  return new URL(url, self.location.href).href;
});
var PRECACHED = new Set(PRECACHE);

// Only a plain GET of one of the precached files; never a navigation, whatever its URL.
function isStaticAsset(request) {
  if (request.method !== "GET" || request.mode === "navigate") {
    return false;
  }
  var url = request.url.split("#")[0];
  return url.indexOf(STATIC_PREFIX) === 0 && PRECACHED.has(url);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CONFIG.cacheName).then(function (cache) {
      // "no-cache": check with the server rather than copy a stale HTTP cache entry.
      return cache.addAll(PRECACHE.map(function (url) {
        return new Request(url, { cache: "no-cache" });
      }));
    }).then(function () {
      // The new worker holds nothing but public files: it may take over at once.
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  // Every other cache of this origin goes: older versions of this one, and anything an
  // earlier worker may have kept.
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== CONFIG.cacheName;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

self.addEventListener("fetch", function (event) {
  if (!isStaticAsset(event.request)) {
    return; // the network, untouched
  }
  event.respondWith(
    caches.open(CONFIG.cacheName).then(function (cache) {
      return cache.match(event.request).then(function (cached) {
        if (cached) {
          return cached;
        }
        return fetch(event.request).then(function (response) {
          if (response.ok && response.type === "basic") {
            cache.put(event.request, response.clone());
          }
          return response;
        });
      });
    })
  );
});
