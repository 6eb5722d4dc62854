// Loads the wasm package and starts the page. Kept tiny on purpose: all logic is in Rust.
import init, { start, newVersionReady } from "../pkg/webtoken.js";

// Listen before anything is awaited: sw.js may announce a new version while the page starts.
let started = false, updated = false;
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data && event.data.type === "webtoken-updated") {
    if (started) newVersionReady(); else updated = true;
  }
});
// The worker may have announced before this async script ran: ask (sw.js answers if pending).
navigator.serviceWorker?.controller?.postMessage({ type: "webtoken-pending?" });
// Opens (on a first visit, creates: tens of ms) the token's key database while the wasm loads.
// Its layout is src/idb.rs's (a test in crates/server keeps the two equal).
try {
  const open = indexedDB.open("webtoken-keys", 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains("keys")) open.result.createObjectStore("keys");
  };
  open.onsuccess = () => {
    const db = open.result;
    db.onversionchange = () => db.close();
    setTimeout(() => db.close(), 5000);
  };
  open.onerror = (event) => event.preventDefault();
} catch { /* no IndexedDB here: the token panel says so when it needs it */ }

// async in index.html (no wait for the style sheet and a first layout), so the page may not
// be parsed yet: start() and the error line wait for it.
const parsed = new Promise((done) => document.readyState === "loading"
  ? document.addEventListener("DOMContentLoaded", done, { once: true }) : done());

try {
  await init();
  performance.mark("webtoken-wasm-ready");
  await parsed;
  await start();
  started = true;
  if (updated) newVersionReady();
} catch (e) {
  await parsed;
  const status = document.querySelector('[data-testid="status"]');
  status.textContent = "ページを起動できませんでした / The page could not start: " + (e && e.message ? e.message : e);
  status.classList.add("error");
}

// The service worker keeps the page for offline use (sw.js). Under Trusted Types its address
// must come from a policy, which allows that one script and nothing else.
if ("serviceWorker" in navigator) {
  const policy = self.trustedTypes?.createPolicy("webtoken-sw", {
    createScriptURL: (url) => {
      if (url !== "sw.js") throw new TypeError("only the page's own service worker");
      return url;
    },
  });
  navigator.serviceWorker
    .register(policy ? policy.createScriptURL("sw.js") : "sw.js", { updateViaCache: "none" })
    .catch(() => { /* no offline copy; the page works online as before */ });
}
