// Loads the wasm package and starts the page. Kept tiny on purpose: all logic is in Rust.
import init, { start } from "../pkg/webtoken.js";

const status = document.querySelector('[data-testid="status"]');
try {
  await init();
  await start();
} catch (e) {
  status.textContent = "ページを起動できませんでした / The page could not start: " + (e && e.message ? e.message : e);
  status.classList.add("error");
}
