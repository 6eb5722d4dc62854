// The npm package as a developer's project uses it: imported by its name after `npm install`
// of the `npm pack` tarball (scripts/tools.py package-test), in Node, with node:test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import * as webtoken from "webtoken";
import { initSync, totp, hotp, parseKeyUri, toKeyUri, Validator } from "webtoken";

// In Node the wasm is read from the installed package and instantiated synchronously.
const wasm = new URL("./webtoken_bg.wasm", import.meta.resolve("webtoken"));
initSync({ module: readFileSync(fileURLToPath(wasm)) });

const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"

function throwsCode(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `an Error, not ${typeof e}`);
    assert.equal(e.name, "WebtokenError");
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    return true;
  });
}

test("the package exports the API and no page hooks", () => {
  const names = Object.keys(webtoken).sort();
  assert.deepEqual(names,
    ["Validator", "default", "hotp", "initSync", "parseKeyUri", "toKeyUri", "totp"]);
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL("./package.json", wasm)), "utf8"));
  assert.equal(manifest.name, "webtoken");
  assert.equal(manifest.types, "./index.d.ts");
});

test("totp and hotp give the RFC vectors", () => {
  assert.equal(totp(RFC_SECRET, 59, 8, 30, "SHA1"), "94287082");
  assert.equal(totp(RFC_SECRET, 1111111109, 8, 30, "SHA1"), "07081804");
  const rfc4226 = ["755224", "287082", "359152", "969429", "338314"];
  rfc4226.forEach((code, counter) => assert.equal(hotp(RFC_SECRET, BigInt(counter), 6, "SHA1"), code));
  assert.equal(hotp(RFC_SECRET, 1, 6, "SHA1"), "287082");
});

test("bad numbers and types are errors, never a trap", () => {
  throwsCode(() => totp(RFC_SECRET, NaN, 6, 30, "SHA1"), "invalid_argument");
  throwsCode(() => totp(RFC_SECRET, 2 ** 60, 6, 30, "SHA1"), "invalid_argument");
  throwsCode(() => totp(RFC_SECRET, -1, 6, 30, "SHA1"), "invalid_argument");
  throwsCode(() => totp(RFC_SECRET, 59, 9, 30, "SHA1"), "invalid_argument");
  throwsCode(() => totp("not base32!", 59, 6, 30, "SHA1"), "invalid_argument");
  throwsCode(() => hotp(RFC_SECRET, 2n ** 64n, 6, "SHA1"), "invalid_argument");
  throwsCode(() => hotp(RFC_SECRET, "1", 6, "SHA1"), "invalid_argument");
  // The module still answers after every error above.
  assert.equal(totp(RFC_SECRET, 59, 8, 30, "SHA1"), "94287082");
});

test("parseKeyUri and toKeyUri round-trip and refuse bad input", () => {
  const uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
  const fields = parseKeyUri(uri);
  assert.deepEqual(fields, {
    type: "totp", issuer: "Example", account: "alice@example.com", secret: "JBSWY3DPEHPK3PXP",
    algorithm: "SHA1", digits: 6, period: 30, counter: null,
  });
  const hotpUri = `otpauth://hotp/Example:carol?secret=${RFC_SECRET}&counter=7`;
  const counted = parseKeyUri(hotpUri);
  assert.equal(counted.type, "hotp");
  assert.equal(counted.counter, 7);
  assert.equal(parseKeyUri(toKeyUri(counted)).counter, 7);
  throwsCode(() => toKeyUri({ type: "hotp", account: "carol", secret: RFC_SECRET }), "invalid_key_uri");
  assert.equal(toKeyUri(fields), `${uri}&algorithm=SHA1&digits=6&period=30`);
  assert.equal(toKeyUri({ account: "bob", secret: "JBSWY3DPEHPK3PXP" }),
    "otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30");
  throwsCode(() => parseKeyUri("https://example.com/"), "invalid_key_uri");
  throwsCode(() => parseKeyUri(42), "invalid_argument");
  throwsCode(() => toKeyUri({ account: "bob", secret: "JBSWY3DP" }), "invalid_key_uri");
  throwsCode(() => toKeyUri({ account: "bob", secret: "JBSWY3DPEHPK3PXP", digit: 6 }), "invalid_argument");
  throwsCode(() => toKeyUri(null), "invalid_argument");
});

test("a Validator accepts a code once, keeps its state, and locks", () => {
  const now = 1_700_000_000;
  const v = new Validator({ maxFailures: 3 });
  const issued = v.issue(now);
  assert.match(issued.tokenId, /^WBTK\d{8}$/);
  const code = totp(issued.secret, now, issued.digits, issued.period, issued.algorithm);
  const ok = v.validate(issued.tokenId, code, now);
  assert.equal(ok.outcome, "accepted");
  assert.equal(ok.step, Math.floor(now / 30));
  assert.equal(ok.reason, null);
  assert.equal(v.validate(issued.tokenId, code, now + 1).reason, "replayed");

  const restored = Validator.fromState(v.exportState());
  assert.equal(restored.validate(issued.tokenId, code, now + 2).reason, "replayed");
  assert.equal(restored.validate(issued.tokenId, "000000", now + 3).reason,
    code === "000000" ? "replayed" : "locked_out");
  throwsCode(() => restored.unlock("WBTK", "staff", now), "invalid_token_id");
  restored.unlock(issued.tokenId, "staff", now + 4);
  throwsCode(() => restored.unlock(issued.tokenId, "staff", now + 5), "not_locked");
  restored.stop(issued.tokenId, "staff", "lost", now + 6);
  assert.equal(restored.validate(issued.tokenId, code, now + 7).reason, "stopped");
  assert.equal(v.validate("WBTK00000000", "123456", now).reason, "unknown_token");
});

test("bad policies, states and arguments are errors, never a trap", () => {
  throwsCode(() => new Validator({ window: 11 }), "invalid_policy");
  throwsCode(() => new Validator({ maxFailure: 3 }), "invalid_policy");
  throwsCode(() => new Validator({ window: 1.5 }), "invalid_policy");
  throwsCode(() => new Validator("strict"), "invalid_policy");
  const v = new Validator();
  throwsCode(() => v.issue(NaN), "invalid_argument");
  throwsCode(() => v.issue(Number.MAX_VALUE), "invalid_argument");
  throwsCode(() => v.validate(42, "123456", 0), "invalid_argument");
  throwsCode(() => v.validate("WBTK00000000", 123456, 0), "invalid_argument");
  throwsCode(() => Validator.fromState("{"), "invalid_state");
  throwsCode(() => Validator.fromState("{}"), "invalid_state");
  throwsCode(() => Validator.fromState(v.exportState().replace('"version":1', '"version":2')), "invalid_state");
  throwsCode(() => Validator.fromState(undefined), "invalid_argument");
  // Still working after every error.
  assert.equal(v.validate("WBTK00000000", "123456", 0).outcome, "rejected");
});
