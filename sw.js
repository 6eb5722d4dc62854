// webtoken's service worker: keeps the app shell so that, after the first visit, the token
// opens and shows codes with the network off. It never sees a secret: tokens live in
// IndexedDB and localStorage, which it does not touch, so a new version cannot lose them.
//
// The shell is the file list in pkg/shell.json, written by `scripts/tools.py build` with a
// version (a hash of every file). GET requests for those files are answered from the cache of
// the current version; everything else (the token service's API in remote mode) goes to the
// network. On every page load the worker asks for pkg/shell.json; when its version differs,
// it fetches the whole new shell into a cache of its own (all or nothing) and marks it
// pending, and the open pages offer a reload. A pending version becomes current only when a
// page load starts, before that load's first answer, so one load never mixes two versions
// (wasm-bindgen's JS and wasm must match). All cache changes run one at a time.
"use strict";

const PREFIX = "webtoken-shell-";
const MARKERS = "webtoken-current";
const CURRENT = "/__webtoken_current_version";
const PENDING = "/__webtoken_pending_version";
const MANIFEST = "pkg/shell.json";

const scope = () => new URL(self.registration.scope);

// Cache changes, one at a time (two tabs loading at once must not interleave them).
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

async function marker(key) {
  const found = await (await caches.open(MARKERS)).match(key);
  return found ? found.text() : null;
}

async function setMarker(key, version) {
  if (key === CURRENT) shell = null;
  const markers = await caches.open(MARKERS);
  if (version === null) await markers.delete(key);
  else await markers.put(key, new Response(version));
}

// Deletes every shell cache but those of `keep`.
async function keepOnly(...keep) {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && !keep.some((v) => v !== null && name === PREFIX + v)) {
      await caches.delete(name);
    }
  }
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

// Fetches the shell of pkg/shell.json if it is new. On the first install it is current at
// once; later it is pending until the next page load. True when a new version is pending.
async function update() {
  const manifest = await fetchManifest();
  const current = await marker(CURRENT);
  const pending = await marker(PENDING);
  if (manifest.version === current) {
    if (pending !== null) await setMarker(PENDING, null); // rolled back before it was used
    await keepOnly(current);
    return false;
  }
  if (manifest.version === pending) return false;
  const cache = await caches.open(PREFIX + manifest.version);
  // addAll stores every file or none. `no-cache`: each file is revalidated with the server, so
  // the HTTP cache cannot mix versions, yet a file the page has just loaded comes back as
  // "304 Not Modified" (its ETag) rather than being downloaded a second time.
  await cache.addAll(manifest.files.map((file) => new Request(new URL(file, scope()), { cache: "no-cache" })));
  await setMarker(current === null ? CURRENT : PENDING, manifest.version);
  await keepOnly(current, manifest.version);
  return current !== null;
}

// At the start of a page load: a complete pending version becomes current.
async function promote() {
  const pending = await marker(PENDING);
  if (pending === null) return;
  if (await caches.has(PREFIX + pending)) {
    await setMarker(CURRENT, pending);
    await keepOnly(pending);
  }
  await setMarker(PENDING, null);
}

async function announce() {
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "webtoken-updated" });
  }
}

// A page that listens only after the announcement (its script is async) asks once it listens:
// after any update under way, it is told if a new version is pending.
self.addEventListener("message", (event) => {
  if (event.data?.type !== "webtoken-pending?" || !event.source) return;
  event.waitUntil(serial(async () => {
    if (await marker(PENDING)) event.source.postMessage({ type: "webtoken-updated" });
  }));
});

self.addEventListener("install", (event) => {
  event.waitUntil(serial(update).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

// The current version's cache, as this worker last read it: each answer from the shell is then
// one cache lookup, not four. The markers stay the truth: setMarker(CURRENT) forgets this, and
// a restarted worker reads them again.
let shell = null;

async function currentShell() {
  if (shell === null) {
    const version = await marker(CURRENT);
    if (version === null || !(await caches.has(PREFIX + version))) return null;
    shell = caches.open(PREFIX + version).catch((e) => {
      shell = null;
      throw e;
    });
  }
  return shell;
}

async function fromShell(request) {
  const cache = await currentShell();
  if (cache === null) return null;
  const url = new URL(request.url);
  // The page's address may carry a query (?lab=1, ?service=...): the shell has one page.
  const page = [scope().pathname, scope().pathname + "index.html"].includes(url.pathname);
  const key = request.mode === "navigate" && page ? new URL("./", scope()) : url;
  return (await cache.match(key, { ignoreSearch: request.mode === "navigate" })) ?? null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const navigation = request.mode === "navigate";
  const ready = navigation ? serial(promote).catch(() => {}) : Promise.resolve();
  // Any failure of the cache means the network answers, as if there were no worker.
  event.respondWith(
    ready.then(() => fromShell(request)).catch(() => null).then((cached) => cached ?? fetch(request)),
  );
  if (navigation) {
    event.waitUntil(serial(async () => {
      try {
        if (await update()) await announce();
      } catch (e) {
        // Offline, or the server is mid-deploy: keep the current shell and try next load.
      }
    }));
  }
});
