// The package's public entry point (package.json "exports"): the token and validator API.
// The demo page's own hooks (start, newVersionReady, benchDisplayTicks) live in webtoken.js,
// which this file re-exports from, and are not part of the package's API.
export {
  default,
  initSync,
  totp,
  hotp,
  parseKeyUri,
  toKeyUri,
  Validator,
} from "./webtoken.js";
