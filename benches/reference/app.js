// The bench's reference token page (scripts/bench.py load): a token written the way people
// usually write one. The otpauth npm package computes the codes (its browser build, copied next
// to this file by the bench from its pinned npm install); the 20-byte secret is sealed with a
// non-extractable AES-GCM key from WebCrypto, and both are kept in IndexedDB. First visit: make
// the key and the secret, seal and store them, show the code. Returning visit: open, decrypt,
// show. The marks match the project's: `webtoken-first-code` once a code is in the element.
import * as OTPAuth from "./otpauth.esm.min.js";

const DB = "reference-token", STORE = "tokens", KEY = "token";

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function openDb() {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

async function loadSecret(db) {
  const stored = await request(db.transaction(STORE).objectStore(STORE).get(KEY));
  if (stored) {
    performance.mark("reference-opened");
    const { key, iv, sealed } = stored;
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, sealed));
  }
  performance.mark("reference-created");
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false,
                                              ["encrypt", "decrypt"]);
  const secret = crypto.getRandomValues(new Uint8Array(20));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, secret);
  const tx = db.transaction(STORE, "readwrite");
  tx.objectStore(STORE).put({ key, iv, sealed }, KEY);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  return secret;
}

const totp = new OTPAuth.TOTP({
  secret: new OTPAuth.Secret({ buffer: (await loadSecret(await openDb())).buffer }),
  algorithm: "SHA1", digits: 6, period: 30,
});
const code = document.querySelector('[data-testid="token-code"]');
const remaining = document.querySelector('[data-testid="token-remaining"]');
let first = true;
function show() {
  const value = totp.generate();
  code.textContent = `${value.slice(0, 3)} ${value.slice(3)}`;
  remaining.textContent = String(30 - (Math.floor(Date.now() / 1000) % 30));
  if (first) {
    performance.mark("webtoken-first-code");
    first = false;
  }
}
show();
setInterval(show, 1000);
