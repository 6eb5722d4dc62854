// Loads the wasm package and starts the page. Kept tiny on purpose: all logic is in Rust.
import init, { start, newVersionReady } from "../pkg/webtoken.js";

const status = document.querySelector('[data-testid="status"]');
// Listen before anything is awaited: sw.js may announce a new version while the page starts.
let started = false, updated = false;
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data && event.data.type === "webtoken-updated") {
    if (started) newVersionReady(); else updated = true;
  }
});
try {
  await init();
  performance.mark("webtoken-wasm-ready");
  await start();
  started = true;
  if (updated) newVersionReady();
} catch (e) {
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
