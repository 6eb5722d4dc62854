#!/usr/bin/env python3
"""webtoken's measurements (run by `make bench`). Prints every figure with how it was measured.

    python3 scripts/bench.py                  everything below, in this order
    python3 scripts/bench.py throughput       validate throughput, next to pyotp and otpauth
    python3 scripts/bench.py size [--check]   page weight of the first load (and wasm-opt's part);
                                              --check: fail when over size-budget.toml (a test layer)
    python3 scripts/bench.py load [--rounds N] time to first code and bytes before it, side by
                                              side with benches/reference/ (6 rounds)
    python3 scripts/bench.py unlock           unlock time of a passphrase-protected token (10)
    python3 scripts/bench.py memory           wasm memory before and after 10,000 display ticks
    python3 scripts/bench.py timeline [--rounds N]  where a load's time goes, milestone by
                                              milestone, both pages (loopback; not in `all`)

The peers (pyotp from PyPI, otpauth from npm) are installed into target/bench-peers/, a cache
of this script's own: they are not dependencies of the project. Nothing here asserts a timing;
only `size --check`, which measures bytes, can fail.
"""

import gzip
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import tools  # noqa: E402  (the set-up driver: pinned tools, PATH, browser settings)
import wasm_imports  # noqa: E402  (the build's import-name step, re-run for the report)

PEERS = tools.target_dir() / "bench-peers"
BUDGET = ROOT / "size-budget.toml"
# The peers' versions, pinned: otpauth is also the reference token page's code (benches/reference/).
PYOTP = "2.12.1"
OTPAUTH = "9.5.2"
# Each peer validates for about this long.
PEER_SECONDS = 2.0


def say(msg=""):
    print(msg, flush=True)


def one_core():
    """`taskset -c 0` when the machine has it, so every validator runs on the same one core."""
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


# ---------------------------------------------------------------------------------------------
# Validate throughput


PYOTP_SCRIPT = r"""
import base64, hmac, os, statistics, sys, time
import pyotp
seconds, credentials = float(sys.argv[1]), int(sys.argv[2])
stateful = len(sys.argv) > 3 and sys.argv[3] == "stateful"
totps = [pyotp.TOTP(base64.b32encode(os.urandom(20)).decode()) for _ in range(credentials)]
# The stateful peer, as a user would write it: per credential, the last accepted step (no code
# twice) and a failure counter (locked at 5, reset by a success).
records = [{"last_step": -1, "failures": 0} for _ in range(credentials)]


def verify_stateful(t, record, code, now):
    if record["failures"] >= 5:
        return False
    step = now // 30
    for s in (step - 1, step, step + 1):
        if s > record["last_step"] and hmac.compare_digest(t.at(s * 30), code):
            record["last_step"] = s
            record["failures"] = 0
            return True
    record["failures"] += 1
    return False


start, rounds, total, elapsed = 1_700_000_010, [], 0, 0.0
r = 0
while elapsed < seconds:
    now = start + 30 * r
    codes = []
    for i, t in enumerate(totps):
        shown = now + 30 if i % 10 == 0 else now
        code = t.at(shown)
        if (i + r) % 20 == 1:
            window = {t.at(now + 30 * k) for k in (-1, 0, 1, 2)}
            wrong = int(code)
            while f"{wrong:06d}" in window:
                wrong = (wrong + 1) % 1_000_000
            code = f"{wrong:06d}"
        codes.append(code)
    accepted = 0
    t0 = time.perf_counter()
    if stateful:
        for t, record, code in zip(totps, records, codes):
            if verify_stateful(t, record, code, now):
                accepted += 1
    else:
        for t, code in zip(totps, codes):
            if t.verify(code, for_time=now, valid_window=1):
                accepted += 1
    took = time.perf_counter() - t0
    elapsed += took
    total += credentials
    rounds.append(credentials / took)
    r += 1
print(f"{statistics.median(rounds):.0f} {max(rounds):.0f} {total / elapsed:.0f} {total} {accepted}")
"""

OTPAUTH_SCRIPT = r"""
import * as OTPAuth from "otpauth";
import { randomBytes } from "node:crypto";
const seconds = Number(process.argv[2]), credentials = Number(process.argv[3]);
const stateful = process.argv[4] === "stateful";
// The stateful peer, as a user would write it: per credential, the last accepted step (no code
// twice) and a failure counter (locked at 5, reset by a success).
const records = Array.from({ length: credentials }, () => ({ lastStep: -1, failures: 0 }));
function validateStateful(t, record, token, timestamp) {
  if (record.failures >= 5) return false;
  const delta = t.validate({ token, timestamp, window: 1 });
  if (delta !== null) {
    const step = Math.floor(timestamp / 30000) + delta;
    if (step > record.lastStep) {
      record.lastStep = step;
      record.failures = 0;
      return true;
    }
  }
  record.failures++;
  return false;
}
const totps = [];
for (let i = 0; i < credentials; i++) {
  totps.push(new OTPAuth.TOTP({ secret: new OTPAuth.Secret({ buffer: randomBytes(20) }),
                                algorithm: "SHA1", digits: 6, period: 30 }));
}
const start = 1700000010;
const rounds = [];
let total = 0, elapsed = 0, accepted = 0;
for (let r = 0; elapsed < seconds; r++) {
  const now = (start + 30 * r) * 1000;
  const codes = totps.map((t, i) => {
    let code = t.generate({ timestamp: i % 10 === 0 ? now + 30000 : now });
    if ((i + r) % 20 === 1) {
      const window = [-1, 0, 1, 2].map((k) => t.generate({ timestamp: now + 30000 * k }));
      let wrong = Number(code);
      while (window.includes(String(wrong).padStart(6, "0"))) wrong = (wrong + 1) % 1000000;
      code = String(wrong).padStart(6, "0");
    }
    return code;
  });
  accepted = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < credentials; i++) {
    if (stateful ? validateStateful(totps[i], records[i], codes[i], now)
                 : totps[i].validate({ token: codes[i], timestamp: now, window: 1 }) !== null) accepted++;
  }
  const took = Number(process.hrtime.bigint() - t0) / 1e9;
  elapsed += took;
  total += credentials;
  rounds.push(credentials / took);
}
rounds.sort((a, b) => a - b);
const median = rounds[Math.floor(rounds.length / 2)];
console.log(`${median.toFixed(0)} ${rounds[rounds.length - 1].toFixed(0)} ${(total / elapsed).toFixed(0)} ${total} ${accepted}`);
"""


def install_peers():
    py = PEERS / "python"
    if not (py / f"pyotp-{PYOTP}.dist-info").is_dir():
        say(f"installing pyotp {PYOTP} into target/bench-peers/python (pip install --target)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--upgrade", "--target", str(py), f"pyotp=={PYOTP}"], check=True)
    node = PEERS / "node"
    package = node / "node_modules" / "otpauth" / "package.json"
    if not package.is_file() or json.loads(package.read_text())["version"] != OTPAUTH:
        say(f"installing otpauth {OTPAUTH} into target/bench-peers/node (npm install --prefix)")
        subprocess.run(["npm", "install", "--prefix", str(node), "--no-save", "--no-audit",
                        "--no-fund", "--loglevel=error", f"otpauth@{OTPAUTH}"], check=True)
    info = next(py.glob("pyotp-*.dist-info"), None)
    pyotp_version = info.name.removesuffix(".dist-info").split("-")[1] if info else "?"
    pkg = json.loads((node / "node_modules" / "otpauth" / "package.json").read_text())
    return pyotp_version, pkg["version"]


def peer(cmd, cwd, extra_env=None):
    e = dict(os.environ)
    e.update(extra_env or {})
    out = subprocess.run(one_core() + cmd, cwd=cwd, env=e, check=True, capture_output=True,
                         text=True).stdout.split()
    median, best, overall, total, _accepted = map(float, out[:5])
    return {"median": median, "best": best, "overall": overall, "total": int(total)}


def throughput():
    pyotp_version, otpauth_version = install_peers()
    say("== Validate throughput (native, one core" + (", taskset -c 0" if one_core() else "") + ")")
    say("   cargo bench --bench validate: TokenService::validate, 10,000 credentials, SHA-1, 6 digits,")
    say("   window +-1, replay and lockout state and the audit chain written on every call; one code")
    say("   in ten a step fast, one in twenty wrong; time moves a step per round of 10,000.")
    say("   Its limit, timed in the same run, round by round in turn with it: the bare work one")
    say("   validation cannot avoid, on the same credentials and codes: the window's 3 HMAC-SHA-1s")
    say("   through PreparedKey::values_with on the validator's own SHA-NI code (src/sha_ni.rs, built")
    say("   into the bench; the portable path on a CPU without it), the comparisons folded without")
    say("   early exit, and the HMAC-SHA-256 of the audit event (96 bytes, chained, from the audit key's")
    say("   prepared pad states, src/audit/mac.rs, built into the bench too); no store, no lock.")
    say("   Subsets, where the time between the two goes: the credential lookup alone, and everything")
    say("   but the writes (would_accept: lookup, input normalisation, the constant-time window), each")
    say("   timed right after the round's validations (entries in cache; the validations' own round")
    say("   follows totp-rs's, so their lookup also pays the cache miss on the entry).")
    proc = subprocess.run(one_core() + ["cargo", "bench", "--locked", "-p", "webtoken-token-service", "--bench", "validate"],
                          cwd=ROOT, env=tools.env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.exit("cargo bench --bench validate failed")
    rows, subsets = {}, {}
    for line in proc.stdout.splitlines():
        say("   | " + line)
        m = re.match(r"((\S+) .*?)\s+median round\s+(\d+)/s\s+best\s+(\d+)/s\s+overall\s+(\d+)/s", line)
        if m:
            row = {"median": float(m.group(3)), "best": float(m.group(4)),
                   "overall": float(m.group(5))}
            if m.group(2) == "subset:":
                subsets[m.group(1)] = row
            else:
                rows[m.group(2)] = row
    ours = rows.get("webtoken")
    if ours is None:
        sys.exit("could not read the webtoken line of cargo bench --bench validate")
    limit = rows.get("limit:")
    credentials = 1000
    say(f"   peers, same mix of codes, {credentials} credentials per round, about "
        f"{PEER_SECONDS:.0f} s each: stateless")
    say("   (the library's check alone), and stateful (each with a replay record, the last accepted")
    say("   step, and a failure counter locked at 5, as a user would write them around the library;")
    say("   no audit):")
    script = PEERS / "node" / "validate.mjs"
    script.write_text(OTPAUTH_SCRIPT)
    measured = {}
    for mode in ("", "stateful"):
        label = "stateful peer: " if mode else ""
        measured[f"{label}pyotp {pyotp_version} " + ("TOTP.at, window 1" if mode else
                                                     "TOTP.verify(valid_window=1)")] = peer(
            [sys.executable, "-c", PYOTP_SCRIPT, str(PEER_SECONDS), str(credentials), mode], ROOT,
            {"PYTHONPATH": str(PEERS / "python")})
        measured[f"{label}otpauth {otpauth_version} TOTP.validate({{window: 1}}), node "
                 f"{node_version()}"] = peer(
            ["node", str(script), str(PEER_SECONDS), str(credentials), mode], PEERS / "node")
    say()
    w = max(66, *map(len, measured))
    say(f"   {'validator':<{w}} {'median round/s':>14} {'best/s':>12} {'overall/s':>12}  ours/row (median)")
    say(f"   {'webtoken TokenService::validate (state+audit)':<{w}} {ours['median']:>14,.0f} "
        f"{ours['best']:>12,.0f} {ours['overall']:>12,.0f}")
    if limit:
        say(f"   {'limit: the window HMACs + the audit HMAC, no state (in cargo bench)':<{w}} "
            f"{limit['median']:>14,.0f} {limit['best']:>12,.0f} {limit['overall']:>12,.0f}  "
            f"{ours['median'] / limit['median']:.2f}x")
    for name, r in subsets.items():
        say(f"   {name + ' (in cargo bench)':<{w}} {r['median']:>14,.0f} {r['best']:>12,.0f} "
            f"{r['overall']:>12,.0f}  {ours['median'] / r['median']:.2f}x")
    if "totp-rs" in rows:
        r = rows["totp-rs"]
        say(f"   {'totp-rs Totp::check (in cargo bench)':<{w}} {r['median']:>14,.0f} {r['best']:>12,.0f} "
            f"{r['overall']:>12,.0f}  {ours['median'] / r['median']:.2f}x")
    for name, r in measured.items():
        say(f"   {name:<{w}} {r['median']:>14,.0f} {r['best']:>12,.0f} {r['overall']:>12,.0f}  "
            f"{ours['median'] / r['median']:.1f}x")
    say("   goals (issue 21): >= 0.5 of the limit and >= 2,000,000/s at 10,000 credentials; the")
    say("   peers are information rows (they do less work: no audit, and the stateless ones no state)")
    say()


def node_version():
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------
# Page weight


def first_load(first_code=False):
    """The files the page loads at start, found as the browser finds them: index.html's
    stylesheets, preloads, icon, manifest and module script, then each module's static imports,
    `import("..")`s and `new URL(.., import.meta.url)` fetches (wasm-bindgen's loader fetches the
    .wasm that way), and the service worker and its shell manifest.

    With `first_code`, only what the first code waits for, or competes with for the network:
    index.html, its stylesheets (the code is not painted before them), its preloads, and the
    static module graph of its script (static imports and `new URL(.., import.meta.url)`
    fetches; not `import("..")`, which a page uses to load what comes after the code). Not the
    icon and the manifest, which nothing waits for, nor the service worker, which www/app.js
    registers after the page has started (`load` checks this list against the browser's)."""
    files = ["index.html"]
    html = (ROOT / "index.html").read_text()
    tags = re.findall(r"<(?:link|script)\b[^>]*>", html)
    queue = []
    wanted = {"stylesheet", "modulepreload", "preload"}
    if not first_code:
        wanted |= {"icon", "manifest"}
    for tag in tags:
        src = re.search(r'\b(?:href|src)="([^"]+)"', tag)
        if not src or re.match(r"[a-z]+:", src.group(1)):
            continue
        rel = re.search(r'\brel="([^"]+)"', tag)
        if tag.startswith("<link") and not (rel and wanted & set(rel.group(1).split())):
            continue
        queue.append(src.group(1))
    while queue:
        rel = os.path.normpath(queue.pop(0))
        if rel in files:
            continue
        files.append(rel)
        if rel.endswith(".js"):
            text = (ROOT / rel).read_text()
            base = os.path.dirname(rel)
            refs = re.findall(r'^\s*import\b[^"\';(]*?["\']([^"\']+)["\']', text, re.M)
            refs += re.findall(r'^\s*export\b[^"\';]*?\bfrom\s*["\']([^"\']+)["\']', text, re.M)
            refs += re.findall(r'new URL\(\s*["\']([^"\']+)["\']\s*,\s*import\.meta\.url', text)
            if not first_code:
                refs += re.findall(r'\bimport\(\s*["\']([^"\']+)["\']\s*\)', text)
            queue += [os.path.join(base, r) for r in refs if not re.match(r"[a-z]+:", r)]
            if not first_code:
                # The service worker, registered once the page runs (its address is relative
                # to the page), and the shell manifest it fetches at install.
                queue += re.findall(r'createScriptURL\("([^"]+)"\)', text)
                queue += re.findall(r'^const MANIFEST = "([^"]+)";', text, re.M)
    return files


def gz(data):
    # Level 9 with mtime 0: the same bytes on every run (what `gzip -9 -n` would do, with zlib).
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def budget_bytes():
    """The two budgets of size-budget.toml, in bytes: the whole first load, and what comes
    before the first code."""
    with open(BUDGET, "rb") as f:
        b = tomllib.load(f)
    return b["first-load-gzip-kib"] * 1024, b["first-code-gzip-kib"] * 1024, b.get("goal-gzip-kib")


def size(check):
    say("== Page weight of the first load (files found from index.html and the module imports;")
    say("   gzip: level 9, mtime 0, Python's zlib; 1 KiB = 1024 bytes). *: before the first code,")
    say("   what the first code waits for or competes with (index.html, its style sheets and")
    say("   preloads, its script's static module graph; not the icon, the manifest, the service")
    say("   worker or a dynamic import())")
    files = first_load()
    early = set(first_load(first_code=True))
    missing = early - set(files)
    if missing:
        sys.exit(f"page weight: {sorted(missing)} come before the first code but not in the first load")
    total_raw = total_gz = code_gz = 0
    for rel in files:
        data = (ROOT / rel).read_bytes()
        g = gz(data)
        total_raw += len(data)
        total_gz += g
        if rel in early:
            code_gz += g
        say(f"   {rel + (' *' if rel in early else ''):<28} {len(data):>10,} B raw {g:>10,} B gzip")
    say(f"   {'total':<28} {total_raw:>10,} B raw {total_gz:>10,} B gzip "
        f"({total_gz / 1024:.1f} KiB)")
    say(f"   {'* before the first code':<28} {'':>17} {code_gz:>10,} B gzip ({code_gz / 1024:.1f} KiB)")
    budget, code_budget, goal = budget_bytes()
    say(f"   budgets (size-budget.toml): first load {budget:,} B gzip ({budget // 1024} KiB), "
        f"before the first code {code_budget:,} B ({code_budget // 1024} KiB)"
        + (f"; goal {goal} KiB" if goal else ""))
    if check:
        over = []
        for what, key, got, limit in (("the first load", "first-load-gzip-kib", total_gz, budget),
                                      ("what comes before the first code", "first-code-gzip-kib",
                                       code_gz, code_budget)):
            if got > limit:
                over.append(f"page weight: {what} is {got:,} B gzipped, over the budget of "
                            f"{limit:,} B ({key} in size-budget.toml).")
            else:
                say(f"   ok: {what}, {got:,} B <= {limit:,} B, {limit - got:,} B to spare")
                if got + 1024 <= limit:
                    say(f"   ({what} is a KiB or more under its budget: lower {key})")
        if over:
            sys.exit("\n".join(over) + " Win the bytes back, or raise the budget in the same "
                     "commit with the reason.")
        return
    wasm_steps()
    css_step()
    say()


def css_step():
    """What bundling and minifying the style sheets saves (tools.bundle_css)."""
    bundle = ROOT / "pkg" / "webtoken.css"
    if not bundle.is_file():
        say("   stylesheet step: skipped (needs a `make build`)")
        return
    sources = tools.stylesheet_sources()
    raw = sum(p.stat().st_size for p in sources)
    g = sum(gz(p.read_bytes()) for p in sources)
    data = bundle.read_bytes()
    say("   stylesheet step:")
    say(f"   {f'{len(sources)} files www/*.css, each gzipped':<46} {raw:>10,} B raw {g:>10,} B gzip")
    say(f"   {'+ joined, csso: pkg/webtoken.css':<46} {len(data):>10,} B raw {gz(data):>10,} B gzip"
        f"  saves {raw - len(data):>8,} B raw {g - gz(data):>8,} B gzip")


def wasm_steps():
    """What each build step does to the wasm: cargo's output, wasm-bindgen's, wasm-opt's."""
    cargo_wasm = tools.target_dir() / "wasm32-unknown-unknown" / "release" / "webtoken.wasm"
    pkg_wasm = ROOT / "pkg" / "webtoken_bg.wasm"
    wasm_bindgen = shutil.which("wasm-bindgen", path=tools.env()["PATH"])
    wasm_opt = shutil.which("wasm-opt", path=tools.env()["PATH"])
    if not (cargo_wasm.is_file() and pkg_wasm.is_file() and wasm_bindgen and wasm_opt):
        say("   wasm steps: skipped (needs a `make build` and the pinned wasm-bindgen and wasm-opt)")
        return
    if cargo_wasm.stat().st_mtime > pkg_wasm.stat().st_mtime + 1:
        say("   wasm steps: note, cargo's wasm is newer than pkg/: run `make build` for matching figures")
    with open(ROOT / "Cargo.toml", "rb") as f:
        flags = tomllib.load(f)["package"]["metadata"]["wasm-pack"]["profile"]["release"]["wasm-opt"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([wasm_bindgen, "--target", "web", "--out-dir", str(tmp), str(cargo_wasm)],
                       check=True, capture_output=True)
        bound = tmp / "webtoken_bg.wasm"
        opt = tmp / "opt.wasm"
        subprocess.run([wasm_opt, *flags, str(bound), "-o", str(opt)], check=True,
                       capture_output=True)
        glue = tmp / "webtoken.js"
        short_wasm, short_glue, _ = wasm_imports.shorten(opt.read_bytes(), glue.read_text())
        short = tmp / "short.wasm"
        short.write_bytes(short_wasm)
        (tmp / "short.js").write_text(short_glue)
        steps = [
            ("cargo build --release (opt-level z, lto)", cargo_wasm),
            ("+ wasm-bindgen --target web", bound),
            ("+ wasm-opt " + " ".join(flags[:2]) + " (binaryen 132)", opt),
            ("+ import names shortened", short),
            ("pkg/webtoken_bg.wasm (what is served)", pkg_wasm),
        ]
        say("   wasm build steps (re-run here into a temp dir; pkg/ untouched):")
        prev = None
        for name, path in steps:
            data = path.read_bytes()
            raw, g = len(data), gz(data)
            saved = ""
            if prev and not name.startswith("pkg"):
                saved = f"  saves {prev[0] - raw:>8,} B raw {prev[1] - g:>8,} B gzip"
            say(f"   {name:<46} {raw:>10,} B raw {g:>10,} B gzip{saved}")
            if not name.startswith("pkg"):
                prev = (raw, g)
        if short_wasm != pkg_wasm.read_bytes():
            say("   (pkg/'s wasm differs from this re-run: pkg/ is from another build)")
        if tools.TERSER.exists():
            small = tmp / "min.js"
            subprocess.run([str(tools.TERSER), str(tmp / "short.js"), *tools.TERSER_ARGS, "-o",
                            str(small)], check=True, capture_output=True)
            say("   glue build steps:")
            prev = None
            for name, path in (("wasm-bindgen --target web: webtoken.js", glue),
                               ("+ import names shortened", tmp / "short.js"),
                               ("+ terser " + " ".join(tools.TERSER_ARGS[:3]), small)):
                data = path.read_bytes()
                raw, g = len(data), gz(data)
                saved = (f"  saves {prev[0] - raw:>8,} B raw {prev[1] - g:>8,} B gzip"
                         if prev else "")
                say(f"   {name:<46} {raw:>10,} B raw {g:>10,} B gzip{saved}")
                prev = (raw, g)


# ---------------------------------------------------------------------------------------------
# Time to first code


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wd(base, method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null").get("value")


class Browser:
    """chromedriver, and webtoken-serve unless `serve` is false, on free loopback ports; stopped
    on exit."""

    def __init__(self, serve=True):
        self.serve = serve

    def __enter__(self):
        self.cfg = tools.config()["browser"]
        driver_port = free_port()
        self.procs = [subprocess.Popen([self.cfg["chromedriver"], f"--port={driver_port}"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        if self.serve:
            subprocess.run(["cargo", "build", "--release", "--locked", "-p", "webtoken-server",
                            "--bin", "webtoken-serve"],
                           cwd=ROOT, env=tools.env(), check=True, capture_output=True)
            serve_port = free_port()
            self.procs.append(subprocess.Popen(
                [str(tools.target_dir() / "release" / "webtoken-serve"),
                 "--port", str(serve_port), "--root", str(ROOT)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.page = f"http://127.0.0.1:{serve_port}/"
        self.base = f"http://127.0.0.1:{driver_port}"
        for _ in range(100):
            try:
                wd(self.base, "GET", "/status", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.terminate()
            proc.wait()

    def session(self, profile):
        """A new Chromium session with its own profile; returns its WebDriver path."""
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": self.cfg["chromium"],
            "args": self.cfg["args"] + [f"--user-data-dir={profile}"]}}}}
        return "/session/" + wd(self.base, "POST", "/session", caps)["sessionId"]

    def cdp(self, session, cmd, params):
        """A DevTools protocol command, through chromedriver's goog/cdp/execute."""
        return wd(self.base, "POST", session + "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def run(self, session, script):
        return wd(self.base, "POST", session + "/execute/sync", {"script": script, "args": []})

    def open_with_code(self, session):
        """Opens the page and waits until the token shows a code."""
        wd(self.base, "POST", session + "/url", {"url": self.page})
        self.wait_for(session, "return document.querySelector('[data-testid=\"token-code\"]')"
                               ".textContent.trim() !== ''", "the first code")

    def wait_for(self, session, script, what, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = self.run(session, script)
            if got:
                return got
            time.sleep(0.02)
        raise RuntimeError(f"timed out waiting for {what}")


UNLOCK_JS = """
const q = (id) => document.querySelector(`[data-testid="${id}"]`);
q('token-unlock-input').value = arguments[0];
window.__unlockClicked = performance.now();
q('token-unlock').click();
return true;
"""


def unlock(times):
    say("== Unlock time of a passphrase-protected token (headless Chromium, as above)")
    say("   One profile: get a token, set a passphrase (PBKDF2-SHA256 at the stored iteration")
    say(f"   count), then {times} times: reload, type the passphrase, press 開く. Figure: the")
    say("   `webtoken-first-code` mark (the first code written after unlocking) minus the moment of")
    say("   the click (performance.now() in the same page).")
    passphrase = "bench-passphrase-1"
    got = []
    with Browser() as b, tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
        s = b.session(profile)
        try:
            b.open_with_code(s)
            # As a person would: the panel's buttons are enabled once the new token is saved.
            b.wait_for(s, "return !document.querySelector('[data-testid=\"token-pass-set\"]')"
                          ".disabled", "the token panel to be ready")
            b.run(s, "document.querySelector('[data-testid=\"token-pass-input\"]').value = "
                     f"'{passphrase}'; document.querySelector('[data-testid=\"token-pass-set\"]')"
                     ".click(); return true;")
            b.wait_for(s, "return !document.querySelector('[data-testid=\"token-pass-remove\"]')"
                          ".hidden", "the passphrase to be set", 60)
            for _ in range(times):
                wd(b.base, "POST", s + "/url", {"url": b.page})
                b.wait_for(s, "return !document.querySelector('[data-testid=\"token-lock\"]')"
                              ".hidden", "the lock screen")
                wd(b.base, "POST", s + "/execute/sync", {"script": UNLOCK_JS, "args": [passphrase]})
                took = b.wait_for(
                    s, "const m = performance.getEntriesByName('webtoken-first-code')[0];"
                       "return m ? m.startTime - window.__unlockClicked : null;", "the unlock")
                got.append(took)
        finally:
            wd(b.base, "DELETE", s)
    q = statistics.quantiles(got, n=4)
    say(f"   unlock             median {statistics.median(got):6.1f} ms   min {min(got):6.1f}   "
        f"quartiles {q[0]:6.1f}-{q[2]:6.1f}   max {max(got):6.1f}   (n={len(got)})")
    say("   goal (issue 8): 300 ms or less")
    say()


def memory(ticks):
    say(f"== Memory: wasm linear memory before and after {ticks:,} display ticks (headless Chromium)")
    say("   The page's export benchDisplayTicks(n) draws the token display n times, one second")
    say("   apart on the page's shared clock (the time lab's offset), without waiting; run twice")
    say("   so that a first-round warm-up is told apart from steady growth.")
    with Browser() as b, tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
        s = b.session(profile)
        try:
            b.open_with_code(s)
            rounds = []
            for _ in range(2):
                got = wd(b.base, "POST", s + "/execute/async", {"script": (
                    "const done = arguments[arguments.length - 1];"
                    "import('./pkg/webtoken.js').then((m) => done(Array.from("
                    f"m.benchDisplayTicks({ticks}))), (e) => done(String(e)));"), "args": []},
                    timeout=600)
                if not isinstance(got, list):
                    raise RuntimeError(f"benchDisplayTicks failed: {got}")
                rounds.append(got)
        finally:
            wd(b.base, "DELETE", s)
    for i, (before, after, drawn, steps) in enumerate(rounds, 1):
        say(f"   round {i}: {int(drawn):,} draws through {int(steps):,} time steps: "
            f"{int(before):,} B before, {int(after):,} B after, growth {int(after - before):,} B")
        if drawn != ticks:
            raise RuntimeError(f"only {int(drawn)} of {ticks} draws were made")
    say("   goal (issue 8): no growth")
    say()


# The reference token page (benches/reference/): served from a folder assembled per run, with
# the otpauth package's browser build copied in from the bench's pinned npm install.
REFERENCE = ROOT / "benches" / "reference"
# Slow 4G as the issue defines it, for Network.emulateNetworkConditions (bytes per second).
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
           "uploadThroughput": 750_000 / 8, "connectionType": "cellular4g"}
# What the bench compresses (the rest, PNG icons, is sent as it is).
COMPRESSED = (".html", ".js", ".mjs", ".css", ".wasm", ".json", ".webmanifest", ".svg")


class GzipHandler(http.server.BaseHTTPRequestHandler):
    """A static file server that gzips: one server for both pages of the side-by-side bench.

    `/reference/...` is the reference page's folder, everything else the project's root (`/` its
    index.html). Bodies are gzipped at level 9 (cached per file) when the browser accepts gzip,
    every answer has a strong ETag and no Last-Modified or Cache-Control (as webtoken-serve: a
    returning visit without a service worker revalidates each file and gets 304s), HTTP/1.1 with
    keep-alive. The content types are webtoken-serve's."""

    protocol_version = "HTTP/1.1"
    TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
             ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
             ".wasm": "application/wasm", ".json": "application/json",
             ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
             ".png": "image/png"}
    cache = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def file(self):
        path = self.path.split("?", 1)[0]
        if path == "/static-page.html":
            return self.server.static_page
        root = ROOT
        if path.startswith("/reference/"):
            root, path = self.server.reference, path[len("/reference"):]
        if path.endswith("/"):
            path += "index.html"
        full = (root / path.lstrip("/")).resolve()
        if root.resolve() not in full.parents or not full.is_file():
            return None
        return full

    @classmethod
    def entry(cls, full):
        """The file's bytes, gzipped bytes and ETag, from the cache while the file is unchanged.
        Compressed outside the lock: a request for another file never waits for this one."""
        stat = full.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        with cls.lock:
            hit = cls.cache.get(full)
        if hit and hit[0] == version:
            return hit
        raw = full.read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0) if full.suffix in COMPRESSED else None
        etag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
        hit = (version, raw, packed, etag)
        with cls.lock:
            cls.cache[full] = hit
        return hit

    def do_GET(self):
        full = self.file()
        if full is None:
            body = b"not found"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        _, raw, packed, etag = self.entry(full)
        gzipped = packed is not None and "gzip" in self.headers.get("Accept-Encoding", "")
        unchanged = etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]
        body = b"" if unchanged else (packed if gzipped else raw)
        self.send_response(304 if unchanged else 200)
        self.send_header("Content-Type", self.TYPES.get(full.suffix, "application/octet-stream"))
        self.send_header("ETag", etag)
        self.send_header("X-Content-Type-Options", "nosniff")
        if packed is not None:
            self.send_header("Vary", "Accept-Encoding")
        if gzipped and not unchanged:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class GzipServer:
    """GzipHandler on a free loopback port, in a thread; the reference folder assembled in a temp
    dir (benches/reference/ and the pinned otpauth's `dist/otpauth.esm.min.js`, the file its
    package.json names for browsers, minified)."""

    def __enter__(self):
        _, otpauth_version = install_peers()
        self.otpauth = otpauth_version
        self.dir = tempfile.TemporaryDirectory(prefix="webtoken-reference-")
        ref = Path(self.dir.name)
        for f in REFERENCE.iterdir():
            shutil.copy(f, ref / f.name)
        shutil.copy(PEERS / "node" / "node_modules" / "otpauth" / "dist" / "otpauth.esm.min.js",
                    ref / "otpauth.esm.min.js")
        # The project's page without its scripts and preloads (index.html less those lines):
        # what its own HTML and style sheet cost the first paint (`timeline`).
        self.static_dir = tempfile.TemporaryDirectory(prefix="webtoken-static-")
        static = Path(self.static_dir.name) / "static-page.html"
        static.write_text("".join(
            line for line in (ROOT / "index.html").read_text().splitlines(keepends=True)
            if not re.search(r'<script|rel="modulepreload"|rel="preload"', line)))
        # Every file compressed before the first visit: otherwise the first round's visit waits
        # for gzip -9 of the wasm (about 120 ms here), which later rounds do not.
        served = [ROOT / "index.html", ROOT / "sw.js", static]
        for folder in (ROOT / "pkg", ROOT / "www", ref):
            served += [f for f in folder.iterdir() if f.is_file()]
        for f in served:
            GzipHandler.entry(f.resolve())
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), GzipHandler)
        self.httpd.reference = ref
        self.httpd.static_page = static
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.project, self.reference = base, base + "reference/"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.dir.cleanup()
        self.static_dir.cleanup()


# Waits (in the page) for the `webtoken-first-code` mark and the Element Timing entry of the code
# element, then answers with every figure the bench reads, as ms after the navigation's start
# (the time origin).
VISIT_JS = """
const done = arguments[arguments.length - 1];
const started = performance.now();
let painted = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.identifier === 'token-code' && painted === null) painted = e.renderTime;
  }
}).observe({type: 'element', buffered: true});
const size = (e) => ({name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd,
                      transfer: e.transferSize, encoded: e.encodedBodySize,
                      decoded: e.decodedBodySize, worker: e.workerStart > 0});
const wait = () => {
  const mark = performance.getEntriesByName('webtoken-first-code')[0];
  if (!mark || (painted === null && performance.now() - started < 5000)) {
    if (performance.now() - started > 60000) return done(null);
    return setTimeout(wait, 10);
  }
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  done({mark: mark.startTime, painted,
        code: q('token-code') ? q('token-code').textContent : '',
        tokenId: q('token-id') ? q('token-id').textContent : '',
        marks: performance.getEntriesByType('mark').map(m => m.name),
        resources: [size(performance.getEntriesByType('navigation')[0])]
          .concat(performance.getEntriesByType('resource').map(size))});
};
wait();
"""

RESOURCES_JS = """
return [performance.getEntriesByType('navigation')[0]].concat(performance.getEntriesByType('resource'))
  .map(e => ({name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd,
              transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}));
"""


def six_digits(text):
    return re.fullmatch(r"\d{6}", re.sub(r"\s", "", text or "")) is not None


def open_visit(b, s, url, visit, script):
    """Opens `url` in session `s` (the first visit) or reloads it (the returning visit), and
    returns what the async `script` answers there."""
    if visit == "first":
        wd(b.base, "POST", s + "/url", {"url": url}, timeout=120)
    else:
        wd(b.base, "POST", s + "/refresh", {}, timeout=120)
    return wd(b.base, "POST", s + "/execute/async", {"script": script, "args": []}, timeout=120)


def visit_pair(b, url, throttle, project):
    """A first visit in a fresh profile, then one reload (a returning visit; for the project
    once its service worker controls the page). Returns both visits' figures and the page's
    Resource Timing at the end of the first visit."""
    with tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
        s = b.session(profile)
        try:
            if throttle:
                b.cdp(s, "Network.enable", {})
                b.cdp(s, "Network.emulateNetworkConditions", SLOW_4G)
            got = []
            for visit in ("first", "returning"):
                seen = open_visit(b, s, url, visit, VISIT_JS)
                if seen is None or not six_digits(seen["code"]):
                    raise RuntimeError(f"{url}: no 6-digit code in token-code ({seen and seen['code']!r})")
                if seen["painted"] is None:
                    raise RuntimeError(f"{url}: the browser reported no paint of the code")
                got.append(seen)
                if visit == "first":
                    if project:
                        b.wait_for(s, "return !!navigator.serviceWorker.controller",
                                   "the service worker to control the page", 60)
                    else:
                        # Nothing of the reference comes later (it stores before it shows);
                        # a moment for any late request of the browser's own (an icon).
                        time.sleep(0.2)
                    whole = b.run(s, RESOURCES_JS)
            first, returning = got
            # The reload must be a returning visit: the same token opened, not a new one made.
            if project and returning["tokenId"] != first["tokenId"]:
                raise RuntimeError("the project's reload showed another token")
            if not project and "reference-opened" not in returning["marks"]:
                raise RuntimeError("the reference page's reload made a new token")
            return first, returning, whole
        finally:
            wd(b.base, "DELETE", s)


def bytes_before(first):
    """The first visit's files that had arrived when the first code was written, and those
    still on their way then (Resource Timing, the navigation's entry included)."""
    before = [r for r in first["resources"] if r["end"] <= first["mark"]]
    late = [r for r in first["resources"] if r["start"] < first["mark"] < r["end"]]
    return before, late


def show_bytes(name, entries):
    enc = sum(r["encoded"] for r in entries)
    tr = sum(r["transfer"] for r in entries)
    dec = sum(r["decoded"] for r in entries)
    say(f"   {name:<52} {enc:>9,} B gzip body {tr:>9,} B with headers {dec:>9,} B raw"
        f"  ({len(entries)} files)")
    return enc


def load(rounds):
    say("== Time to first code, side by side with a reference token page (headless Chromium through")
    say("   chromedriver; both pages served by one Python static server that gzips, level 9)")
    say("   Reference: benches/reference/, the usual way: the otpauth npm package's browser build,")
    say("   a non-extractable AES-GCM key from WebCrypto and the sealed 20-byte secret in IndexedDB")
    say("   (first visit: make, seal, store, show; returning visit: open, decrypt, show).")
    say(f"   {rounds} rounds per network; in each, both pages take turns (the order alternates round")
    say("   by round), each in a fresh browser profile: a first visit, then one reload, a returning")
    say("   visit (the project's once its service worker controls the page). Figure: ms from the")
    say("   navigation's start to the `webtoken-first-code` mark, which both pages set once a code")
    say("   is in data-testid=\"token-code\" (checked: 6 digits; for the reload, the same token).")
    say("   painted: the Element Timing API's renderTime of that element. Networks: loopback, and")
    say("   slow 4G through the DevTools protocol (Network.emulateNetworkConditions: 150 ms RTT,")
    say("   1.6 Mbit/s down, 750 kbit/s up; chromedriver's goog/cdp/execute).")
    results = {}
    byte_figures = {}
    with Browser(serve=False) as b, GzipServer() as server:
        pages = {"project": server.project, "reference": server.reference}
        for net in ("loopback", "slow 4G"):
            for r in range(rounds):
                order = ["project", "reference"] if r % 2 == 0 else ["reference", "project"]
                for page in order:
                    first, returning, whole = visit_pair(b, pages[page], net != "loopback",
                                                         page == "project")
                    for visit, seen in (("first", first), ("returning", returning)):
                        results.setdefault((net, visit, page), []).append(
                            (seen["mark"], seen["painted"]))
                    if net == "loopback" and page not in byte_figures:
                        byte_figures[page] = (first, whole)
        otpauth = server.otpauth
    say(f"   (otpauth {otpauth}; the machine may be shared: the ratios, measured alternately in")
    say("   one run, are the figures to read)")
    say()
    say(f"   {'network, visit':<26} {'project median':>16} {'reference median':>18} "
        f"{'ratio':>7}  {'painted: project':>17} {'reference':>10} {'ratio':>6}  goal")
    goals = {"first": 1.25, "returning": 1.1}
    for net in ("loopback", "slow 4G"):
        for visit in ("first", "returning"):
            ours = results[(net, visit, "project")]
            ref = results[(net, visit, "reference")]
            m = [statistics.median(x[i] for x in ours) for i in (0, 1)]
            n = [statistics.median(x[i] for x in ref) for i in (0, 1)]
            say(f"   {net + ', ' + visit:<26} {m[0]:>13.1f} ms {n[0]:>15.1f} ms {m[0] / n[0]:>7.2f}  "
                f"{m[1]:>14.1f} ms {n[1]:>7.1f} ms {m[1] / n[1]:>6.2f}  <= {goals[visit]}")
    say("   (ratio: project / reference, medians; every round: "
        + "; ".join(f"{net} {visit} {page}: "
                    + " ".join(f"{x[0]:.0f}" for x in results[(net, visit, page)])
                    for net in ("loopback", "slow 4G") for visit in ("first", "returning")
                    for page in ("project", "reference")) + ")")
    say()
    say("== Bytes before the first code, first visit (from the browser: the Resource Timing entries,")
    say("   the navigation's included, whose responseEnd is at or before the `webtoken-first-code`")
    say("   mark; encodedBodySize is the gzipped body, transferSize adds the headers), next to the")
    say("   whole first load (every entry the page has once its first visit is over: for the")
    say("   project, when its service worker controls the page; the worker's own fetches, sw.js and")
    say("   its shell cache, are not the page's entries)")
    for page in ("project", "reference"):
        first, whole = byte_figures[page]
        before, late = bytes_before(first)
        show_bytes(f"{page}: before the first code", before)
        say("     " + ", ".join(r["name"] for r in before))
        if late:
            say("     on their way at the first code: " + ", ".join(r["name"] for r in late))
        show_bytes(f"{page}: whole first load", whole)
        if page == "project":
            fetched = {"index.html" if r["name"] == "/" else r["name"].lstrip("/") for r in before}
            listed = set(first_load(first_code=True))
            say("     against `size`'s list before the first code (the guard's): fetched and not "
                f"listed: {', '.join(sorted(fetched - listed)) or 'none'}; listed and not fetched "
                f"before the code: {', '.join(sorted(listed - fetched)) or 'none'}")
    say("   goal (issue 21): 64 KB or less before the first code")
    say()


# ---------------------------------------------------------------------------------------------


# The milestones of a load, as ms after the navigation's start: when the document's answer began
# and ended (a service worker's, on a returning visit), when the first file it asks for was
# requested, when the last script or wasm the code needs had arrived, and the page's marks.
TIMELINE_JS = """
const done = arguments[arguments.length - 1];
const started = performance.now();
const long = [];
new PerformanceObserver((list) => long.push(...list.getEntries()))
  .observe({type: 'longtask', buffered: true});
const wait = () => {
  const mark = performance.getEntriesByName('webtoken-first-code')[0];
  if (!mark) {
    if (performance.now() - started > 60000) return done(null);
    return setTimeout(wait, 10);
  }
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const code = res.filter(e => /\\.(js|wasm)$/.test(new URL(e.name).pathname));
  done({answer: nav.responseStart, document: nav.responseEnd,
        requested: res.length ? Math.min(...res.map(e => e.startTime)) : null,
        arrived: code.length ? Math.max(...code.map(e => e.responseEnd)) : null,
        marks: performance.getEntriesByType('mark').concat(performance.getEntriesByType('paint'))
          .map(m => [m.name, m.startTime]),
        long: long.filter(t => t.startTime < mark.startTime).map(t => [t.startTime, t.duration])});
};
wait();
"""

# WebAssembly.compile of the page's wasm, four times in a row, in the page (ms each).
COMPILE_JS = """
const done = arguments[arguments.length - 1];
(async () => {
  const bytes = await (await fetch('pkg/webtoken_bg.wasm')).arrayBuffer();
  const times = [];
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    await WebAssembly.compile(bytes);
    times.push(performance.now() - t);
  }
  done(times);
})().catch((e) => done(String(e)));
"""


def timeline(rounds):
    say("== Where a load's time goes (headless Chromium, loopback, the load bench's server): per")
    say("   page and visit, the median over the rounds of each milestone, in ms after the")
    say("   navigation's start: the document's answer began (a service worker's, on the project's")
    say("   returning visit) and ended, the first file it asks for was requested, the last .js or")
    say("   .wasm had arrived, then each mark the page sets and the first paints (Performance API),")
    say("   and the main thread's long tasks. A diagnosis, not a goal: the load bench's ratios are")
    say("   the figures (python3 scripts/bench.py load). Last, the project's index.html without its")
    say("   scripts and preloads: when its own HTML and style sheet are first painted.")
    rows = {}
    tasks = {}
    compile_times = []
    with Browser(serve=False) as b, GzipServer() as server:
        for page, url in (("project", server.project), ("reference", server.reference)):
            for _ in range(rounds):
                with tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
                    s = b.session(profile)
                    try:
                        for visit in ("first", "returning"):
                            seen = open_visit(b, s, url, visit, TIMELINE_JS)
                            if seen is None:
                                raise RuntimeError(f"{url}: no first code")
                            row = rows.setdefault((page, visit), {})
                            for name in ("answer", "document", "requested", "arrived"):
                                if seen[name] is not None:
                                    row.setdefault(name, []).append(seen[name])
                            for name, at in seen["marks"]:
                                row.setdefault(name, []).append(at)
                            tasks.setdefault((page, visit), []).append(seen["long"])
                            if visit == "first" and page == "project":
                                b.wait_for(s, "return !!navigator.serviceWorker.controller",
                                           "the service worker to control the page", 60)
                        if page == "project":
                            got = wd(b.base, "POST", s + "/execute/async",
                                     {"script": COMPILE_JS, "args": []}, timeout=120)
                            if isinstance(got, list):
                                compile_times.extend(got)
                    finally:
                        wd(b.base, "DELETE", s)
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
                s = b.session(profile)
                try:
                    wd(b.base, "POST", s + "/url", {"url": server.project + "static-page.html"},
                       timeout=120)
                    b.wait_for(s, "return performance.getEntriesByName("
                               "'first-contentful-paint').length > 0", "a first paint", 30)
                    got = b.run(s, "return performance.getEntriesByName("
                                "'first-contentful-paint')[0].startTime")
                    rows.setdefault(("project without scripts", "first"), {}).setdefault(
                        "first-contentful-paint", []).append(got)
                finally:
                    wd(b.base, "DELETE", s)
    for (page, visit), row in rows.items():
        steps = sorted(((statistics.median(v), k, len(v)) for k, v in row.items()))
        say(f"   {page}, {visit} visit ({rounds} rounds):")
        say("     " + ", ".join(f"{name} {at:.0f}" + ("" if n == rounds else f" (in {n})")
                                for at, name, n in steps))
        if (page, visit) not in tasks:
            continue
        say("     long tasks (50 ms or more) before the first code, start+duration, round by round: "
            + "; ".join(" ".join(f"{t:.0f}+{d:.0f}" for t, d in r) or "none"
                        for r in tasks[(page, visit)]))
    if compile_times:
        say(f"   WebAssembly.compile of pkg/webtoken_bg.wasm in the project's page, ms each: "
            + ", ".join(f"{t:.1f}" for t in compile_times))
    say()


def main(argv):
    what = argv[0] if argv and not argv[0].startswith("-") else "all"
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 6
    if what in ("all", "throughput"):
        throughput()
    if what in ("all", "size"):
        size(check="--check" in argv)
    if what in ("all", "load"):
        load(rounds)
    if what in ("all", "unlock"):
        unlock(10)
    if what in ("all", "memory"):
        memory(10_000)
    if what == "timeline":
        timeline(rounds)
    if what not in ("all", "throughput", "size", "load", "unlock", "memory", "timeline"):
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
