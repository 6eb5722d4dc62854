// webtoken's service worker: keeps the app shell so that, after the first visit, the token
// opens and shows codes with the network off. It never sees a secret: tokens live in
// IndexedDB and localStorage, which it does not touch, so a new version cannot lose them.
//
// The shell is the file list in pkg/shell.json, written by `scripts/tools.py build` with a
// version (a hash of every file). GET requests for those files are answered from the cache of
// the current version; everything else (the token service's API in remote mode) goes to the
// network. On every page load the worker asks for pkg/shell.json; when its version differs,
// it fetches the whole new shell into a new cache (all or nothing), makes it current, deletes
// the old one and tells the open pages, which offer a reload. A half-fetched update is never
// used: the old shell stays current until the new one is complete.
"use strict";

const PREFIX = "webtoken-shell-";
const MARKER_CACHE = "webtoken-current";
const MARKER_KEY = "/__webtoken_current_version";
const MANIFEST = "pkg/shell.json";

const scope = () => new URL(self.registration.scope);

async function currentVersion() {
  const marker = await (await caches.open(MARKER_CACHE)).match(MARKER_KEY);
  return marker ? marker.text() : null;
}

async function fetchManifest() {
  const response = await fetch(new URL(MANIFEST, scope()), { cache: "no-store" });
  if (!response.ok) throw new Error(`${MANIFEST}: HTTP ${response.status}`);
  const manifest = await response.json();
  if (typeof manifest.version !== "string" || !Array.isArray(manifest.files)) {
    throw new Error(`${MANIFEST}: not a shell manifest`);
  }
  return manifest;
}

// Makes the shell of pkg/shell.json current; true when that changed the version.
async function update() {
  const manifest = await fetchManifest();
  const before = await currentVersion();
  if (manifest.version === before) return false;
  const cache = await caches.open(PREFIX + manifest.version);
  // addAll stores every file or none; `no-store` so the HTTP cache cannot mix versions.
  await cache.addAll(manifest.files.map((file) => new Request(new URL(file, scope()), { cache: "no-store" })));
  const marker = await caches.open(MARKER_CACHE);
  await marker.put(MARKER_KEY, new Response(manifest.version));
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== PREFIX + manifest.version) await caches.delete(name);
  }
  return before !== null;
}

async function announce() {
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "webtoken-updated" });
  }
}

async function checkForUpdate() {
  try {
    if (await update()) await announce();
  } catch (e) {
    // Offline, or the server is mid-deploy: keep the current shell and try next load.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(update().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function fromShell(request) {
  const version = await currentVersion();
  if (version === null) return null;
  const cache = await caches.open(PREFIX + version);
  const url = new URL(request.url);
  // The page's address may carry a query (?lab=1, ?service=...): the shell has one page.
  const page = [scope().pathname, scope().pathname + "index.html"].includes(url.pathname);
  const key = request.mode === "navigate" && page ? new URL("./", scope()) : url;
  return (await cache.match(key, { ignoreSearch: request.mode === "navigate" })) ?? null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") event.waitUntil(checkForUpdate());
  event.respondWith(fromShell(request).then((cached) => cached ?? fetch(request)));
});
