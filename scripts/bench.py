#!/usr/bin/env python3
"""webtoken's measurements (run by `make bench`). Prints every figure with how it was measured.

    python3 scripts/bench.py                  everything below, in this order
    python3 scripts/bench.py throughput       validate throughput, next to pyotp and otpauth
    python3 scripts/bench.py size [--check]   page weight of the first load (and wasm-opt's part);
                                              --check: fail when over size-budget.toml (a test layer)
    python3 scripts/bench.py load [--loads N] time to first code in headless Chromium (20 loads)
    python3 scripts/bench.py unlock           unlock time of a passphrase-protected token (10)
    python3 scripts/bench.py memory           wasm memory before and after 10,000 display ticks

The peers (pyotp from PyPI, otpauth from npm) are installed into target/bench-peers/, a cache
of this script's own: they are not dependencies of the project. Nothing here asserts a timing;
only `size --check`, which measures bytes, can fail.
"""

import functools
import gzip
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
import base64, os, statistics, sys, time
import pyotp
seconds, credentials = float(sys.argv[1]), int(sys.argv[2])
totps = [pyotp.TOTP(base64.b32encode(os.urandom(20)).decode()) for _ in range(credentials)]
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
    if (totps[i].validate({ token: codes[i], timestamp: now, window: 1 }) !== null) accepted++;
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
    if not (py / "pyotp").is_dir():
        say("installing pyotp into target/bench-peers/python (pip install --target)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", str(py), "pyotp"], check=True)
    node = PEERS / "node"
    if not (node / "node_modules" / "otpauth").is_dir():
        say("installing otpauth into target/bench-peers/node (npm install --prefix)")
        subprocess.run(["npm", "install", "--prefix", str(node), "--no-save", "--no-audit",
                        "--no-fund", "--loglevel=error", "otpauth"], check=True)
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
    proc = subprocess.run(one_core() + ["cargo", "bench", "--locked", "-p", "webtoken-token-service", "--bench", "validate"],
                          cwd=ROOT, env=tools.env(), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.exit("cargo bench --bench validate failed")
    rows = {}
    for line in proc.stdout.splitlines():
        say("   | " + line)
        m = re.match(r"(\S+) .*median round\s+(\d+)/s\s+best\s+(\d+)/s\s+overall\s+(\d+)/s", line)
        if m:
            rows[m.group(1)] = {"median": float(m.group(2)), "best": float(m.group(3)),
                                "overall": float(m.group(4))}
    ours = rows.get("webtoken")
    if ours is None:
        sys.exit("could not read the webtoken line of cargo bench --bench validate")
    credentials = 1000
    say(f"   peers, same mix of codes, {credentials} credentials per round, about "
        f"{PEER_SECONDS:.0f} s each, stateless (no replay or lockout state):")
    measured = {
        f"pyotp {pyotp_version} TOTP.verify(valid_window=1)": peer(
            [sys.executable, "-c", PYOTP_SCRIPT, str(PEER_SECONDS), str(credentials)], ROOT,
            {"PYTHONPATH": str(PEERS / "python")}),
    }
    script = PEERS / "node" / "validate.mjs"
    script.write_text(OTPAUTH_SCRIPT)
    measured[f"otpauth {otpauth_version} TOTP.validate({{window: 1}}), node {node_version()}"] = peer(
        ["node", str(script), str(PEER_SECONDS), str(credentials)], PEERS / "node")
    say()
    say(f"   {'validator':<58} {'median round/s':>14} {'best/s':>12} {'overall/s':>12}  ours/peer (median)")
    say(f"   {'webtoken TokenService::validate (state+audit)':<58} {ours['median']:>14,.0f} "
        f"{ours['best']:>12,.0f} {ours['overall']:>12,.0f}")
    if "totp-rs" in rows:
        r = rows["totp-rs"]
        say(f"   {'totp-rs Totp::check (in cargo bench)':<58} {r['median']:>14,.0f} {r['best']:>12,.0f} "
            f"{r['overall']:>12,.0f}  {ours['median'] / r['median']:.2f}x")
    for name, r in measured.items():
        say(f"   {name:<58} {r['median']:>14,.0f} {r['best']:>12,.0f} {r['overall']:>12,.0f}  "
            f"{ours['median'] / r['median']:.1f}x")
    say("   goals (issue 8): >= 1,000,000/s, >= 40x otpauth, >= 100x pyotp")
    say()


def node_version():
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------------------------------------
# Page weight


def first_load():
    """The files the page loads at start, found as the browser finds them: index.html's
    stylesheets and module script, then each module's static imports and `new URL(.., import.meta.url)`
    fetches (wasm-bindgen's loader fetches the .wasm that way)."""
    files = ["index.html"]
    html = (ROOT / "index.html").read_text()
    tags = re.findall(r"<(?:link|script)\b[^>]*>", html)
    queue = []
    for tag in tags:
        src = re.search(r'\b(?:href|src)="([^"]+)"', tag)
        if not src or re.match(r"[a-z]+:", src.group(1)):
            continue
        rel = re.search(r'\brel="([^"]+)"', tag)
        # Stylesheets, preloads, the icon and the manifest are fetched at start.
        wanted = {"stylesheet", "modulepreload", "icon", "manifest"}
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
            refs = re.findall(r'^\s*import\b[^"\';]*?["\']([^"\']+)["\']', text, re.M)
            refs += re.findall(r'^\s*export\b[^"\';]*?\bfrom\s*["\']([^"\']+)["\']', text, re.M)
            refs += re.findall(r'new URL\(\s*["\']([^"\']+)["\']\s*,\s*import\.meta\.url', text)
            queue += [os.path.join(base, r) for r in refs if not re.match(r"[a-z]+:", r)]
            # The service worker, registered once the page runs (its address is relative to the
            # page), and the shell manifest it fetches at install.
            queue += re.findall(r'createScriptURL\("([^"]+)"\)', text)
            queue += re.findall(r'^const MANIFEST = "([^"]+)";', text, re.M)
    return files


def gz(data):
    # Level 9 with mtime 0: the same bytes on every run (what `gzip -9 -n` would do, with zlib).
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def budget_bytes():
    with open(BUDGET, "rb") as f:
        b = tomllib.load(f)
    return b["first-load-gzip-kib"] * 1024, b.get("goal-gzip-kib")


def size(check):
    say("== Page weight of the first load (files found from index.html and the module imports;")
    say("   gzip: level 9, mtime 0, Python's zlib; 1 KiB = 1024 bytes)")
    files = first_load()
    total_raw = total_gz = 0
    for rel in files:
        data = (ROOT / rel).read_bytes()
        g = gz(data)
        total_raw += len(data)
        total_gz += g
        say(f"   {rel:<28} {len(data):>10,} B raw {g:>10,} B gzip")
    say(f"   {'total':<28} {total_raw:>10,} B raw {total_gz:>10,} B gzip "
        f"({total_gz / 1024:.1f} KiB)")
    budget, goal = budget_bytes()
    say(f"   budget (size-budget.toml): {budget:,} B gzip ({budget // 1024} KiB)"
        + (f"; goal {goal} KiB" if goal else ""))
    if check:
        if total_gz > budget:
            sys.exit(f"page weight: the first load is {total_gz:,} B gzipped, over the budget of "
                     f"{budget:,} B in size-budget.toml. Win the bytes back, or raise the budget "
                     "in the same commit with the reason.")
        say(f"   ok: {total_gz:,} B <= {budget:,} B, {budget - total_gz:,} B to spare")
        if total_gz + 1024 <= budget:
            say("   (the total is a KiB or more under the budget: lower size-budget.toml)")
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


MEASURE_JS = """
const nav = performance.getEntriesByType('navigation')[0];
const mark = performance.getEntriesByName('webtoken-first-code')[0];
const code = document.querySelector('[data-testid="token-code"]');
if (!nav || !mark) return null;
const wasm = performance.getEntriesByType('resource').find(e => e.name.endsWith('.wasm'));
const phases = {};
if (wasm) phases['wasm fetched'] = wasm.responseEnd;
for (const m of performance.getEntriesByType('mark')) {
  if (m.name.startsWith('webtoken-')) phases[m.name.slice(9)] = m.startTime;
}
return {responseEnd: nav.responseEnd, mark: mark.startTime, code: code ? code.textContent : '',
        phases, resources: performance.getEntriesByType('resource').map(e => new URL(e.name).pathname),
        viaWorker: !!(wasm && wasm.workerStart > 0)};
"""


# When the code was painted: the Element Timing API's entry for the code element (index.html
# and STATIC_PAGE give it elementtiming="token-code"), as ms after the navigation's responseEnd.
# Asked once the mark is set; the browser reports the paint asynchronously, so this waits for it
# (up to 5 s, then null).
PAINT_JS = """
const done = arguments[arguments.length - 1];
const nav = performance.getEntriesByType('navigation')[0];
let painted = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.identifier === 'token-code' && painted === null) painted = e.renderTime - nav.responseEnd;
  }
}).observe({type: 'element', buffered: true});
const started = performance.now();
const wait = () => (painted !== null || performance.now() - started > 5000)
  ? done(painted) : setTimeout(wait, 20);
setTimeout(wait, 20);
"""


class Browser:
    """webtoken-serve and chromedriver on free loopback ports; stopped on exit."""

    def __enter__(self):
        self.cfg = tools.config()["browser"]
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "webtoken-server",
                        "--bin", "webtoken-serve"],
                       cwd=ROOT, env=tools.env(), check=True, capture_output=True)
        serve_port, driver_port = free_port(), free_port()
        self.procs = [
            subprocess.Popen([str(tools.target_dir() / "release" / "webtoken-serve"),
                              "--port", str(serve_port), "--root", str(ROOT)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([self.cfg["chromedriver"], f"--port={driver_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        self.base = f"http://127.0.0.1:{driver_port}"
        self.page = f"http://127.0.0.1:{serve_port}/"
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


# The reference point: a static page with the code written into its HTML, measured by
# the same harness (the mark is set by an inline script right after the code, so "on screen"
# means the same thing: the code is in the document).
STATIC_PAGE = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>static code</title></head>
<body><p>トークンID WBTK 0000 0000</p>
<p data-testid="token-code" elementtiming="token-code">123 456</p>
<script>performance.mark('webtoken-first-code')</script>
</body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, *args):
        pass


class StaticServer:
    """STATIC_PAGE on a free loopback port (Python's http.server, in a thread)."""

    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="webtoken-static-")
        (Path(self.dir.name) / "index.html").write_text(STATIC_PAGE)
        handler = functools.partial(QuietHandler, directory=self.dir.name)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.dir.cleanup()


def visits(b, url, loads, worker):
    """`loads` first visits, each in a fresh profile and followed by one reload in the same
    profile (once the service worker controls the page, if `worker`): the two lists of
    first-code times (ms after responseEnd), the phases seen, how many reloads the worker served
    and the resources of the first load."""
    cold, warm, resources = [], [], None
    phases = {"first visit": {}, "returning visit": {}}
    via_worker = 0
    for _ in range(loads):
        with tempfile.TemporaryDirectory(prefix="webtoken-bench-") as profile:
            s = b.session(profile)
            try:
                for into, kind in ((cold, "first visit"), (warm, "returning visit")):
                    if into is warm and worker:
                        # A returning visitor's page is in the service worker's hands (sw.js
                        # installs after the first visit's start-up): wait for that, so the
                        # reload is the visit people get, not an HTTP-cache revalidation.
                        b.wait_for(s, "return !!navigator.serviceWorker.controller",
                                   "the service worker to control the page", 30)
                    wd(b.base, "POST", s + "/url", {"url": url})
                    got = b.wait_for(s, MEASURE_JS, "the first code", 20)
                    if not got["code"].strip():
                        raise RuntimeError("the mark was set but no code is on the page")
                    painted = wd(b.base, "POST", s + "/execute/async",
                                 {"script": PAINT_JS, "args": []})
                    if painted is None:
                        raise RuntimeError("the browser reported no paint of the code")
                    into.append((got["mark"] - got["responseEnd"], painted))
                    if into is warm:
                        via_worker += got["viaWorker"]
                    for name, at in got["phases"].items():
                        phases[kind].setdefault(name, []).append(at - got["responseEnd"])
                    if resources is None:
                        resources = got["resources"]
            finally:
                wd(b.base, "DELETE", s)
    return cold, warm, phases, via_worker, resources


def show_times(name, pairs):
    """One line each for the times the code was written and painted."""
    for what, xs in (("written", [w for w, _ in pairs]), ("painted", [p for _, p in pairs])):
        q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
        say(f"   {name + ', ' + what:<36} median {statistics.median(xs):6.1f} ms   "
            f"min {min(xs):6.1f}   quartiles {q[0]:6.1f}-{q[2]:6.1f}   max {max(xs):6.1f}   "
            f"(n={len(xs)})")


def load(loads):
    say("== Time to first code (headless Chromium through chromedriver, loopback webtoken-serve)")
    say(f"   {loads} cold loads, each in a fresh browser profile (empty cache and storage: a first")
    say("   visit, which also gets a token from the in-page token service), then, once the service")
    say("   worker controls the page, one reload in the same profile (a returning visit, served by")
    say("   the service worker as people get it). Figures, as ms after the navigation's responseEnd:")
    say("   written: performance mark `webtoken-first-code` (set when the token panel first writes")
    say("   a code into the document); painted: the Element Timing API's renderTime of the code")
    say("   element (elementtiming=\"token-code\"), when the code was first drawn on screen.")
    say("   Reference, measured the same way in the same browser: a static page with the code written")
    say("   into its HTML (served by Python's http.server; an inline script sets the mark after it).")
    with Browser() as b, StaticServer() as static:
        cold, warm, phases, via_worker, resources = visits(b, b.page, loads, worker=True)
        s_cold, s_warm, _, _, _ = visits(b, static.url, loads, worker=False)
    show_times("first visit", cold)
    show_times("returning visit", warm)
    show_times("static page, first visit", s_cold)
    show_times("static page, reload", s_warm)
    say(f"   returning visits whose wasm the service worker served: {via_worker} of {len(warm)}")
    say("   where the time goes (median ms after the HTML's responseEnd; marks set by www/app.js and")
    say("   src/app.rs):")
    for kind, seen in phases.items():
        order = sorted(seen, key=lambda name: statistics.median(seen[name]))
        say(f"     {kind:<16} " + ", ".join(f"{name} {statistics.median(seen[name]):.0f}" for name in order))
    say("   goal (issue 8): 100 ms or less (the issue measures to the mark: \"written\")")
    say("   fetched by the first load: " + ", ".join(resources or []))
    say()


# ---------------------------------------------------------------------------------------------


def main(argv):
    what = argv[0] if argv and not argv[0].startswith("-") else "all"
    loads = int(argv[argv.index("--loads") + 1]) if "--loads" in argv else 20
    if what in ("all", "throughput"):
        throughput()
    if what in ("all", "size"):
        size(check="--check" in argv)
    if what in ("all", "load"):
        load(loads)
    if what in ("all", "unlock"):
        unlock(10)
    if what in ("all", "memory"):
        memory(10_000)
    if what not in ("all", "throughput", "size", "load", "unlock", "memory"):
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
