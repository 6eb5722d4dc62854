// The package's public entry point. The types and their documentation are wasm-bindgen's,
// generated from the Rust doc comments into webtoken.d.ts; this file exposes only the API.
export {
  default,
  initSync,
  totp,
  hotp,
  parseKeyUri,
  toKeyUri,
  Validator,
  KeyUriFields,
  ValidatorPolicy,
  IssuedCredential,
  Validation,
  InitInput,
  InitOutput,
  SyncInitInput,
} from "./webtoken.js";
