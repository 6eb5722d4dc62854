#!/usr/bin/env python3
"""webtoken's set-up and test driver (run by `make serve`, `make test` and .ci/run).

Reads the pinned tool versions and browser settings from wasm-pack.toml, installs what is
missing (from crates.io, npm and Debian only: never wasm-pack's own downloads), builds the
package and runs every test layer, printing the counts of each.

    python3 scripts/tools.py setup [--browser]   install what is missing
    python3 scripts/tools.py build               release wasm into pkg/
    python3 scripts/tools.py serve [--port N]    build, then serve on http://127.0.0.1:N/
    python3 scripts/tools.py test                every test layer; exits non-zero on any failure
    python3 scripts/tools.py package-test        npm-pack the built pkg/, install it, run its node tests
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import wasm_imports  # scripts/wasm_imports.py

ROOT = Path(__file__).resolve().parent.parent
CARGO_BIN = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin"
TOOLS_DIR = ROOT / ".tools"
NODE_BIN = TOOLS_DIR / "node_modules" / ".bin"
AXE_DIR = TOOLS_DIR / "axe-core"
TERSER = TOOLS_DIR / "terser" / "node_modules" / ".bin" / "terser"
CSSO = TOOLS_DIR / "csso" / "node_modules" / ".bin" / "csso"


def config():
    with open(ROOT / "wasm-pack.toml", "rb") as f:
        return tomllib.load(f)


def toolchain():
    with open(ROOT / "rust-toolchain.toml", "rb") as f:
        return tomllib.load(f)["toolchain"]["channel"]


def env():
    e = dict(os.environ)
    # Our wasm-opt (npm binaryen) first, then cargo-installed tools.
    e["PATH"] = os.pathsep.join([str(NODE_BIN), str(CARGO_BIN), e.get("PATH", "")])
    browser = config()["browser"]
    e["CHROMEDRIVER"] = browser["chromedriver"]
    e.setdefault("CARGO_TERM_COLOR", "never")
    return e


def say(msg):
    print(f"[tools] {msg}", flush=True)


def run(cmd, cwd=ROOT, **kw):
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=cwd, env=env(), **kw)


def output(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env())
    except FileNotFoundError:
        return None
    return r.stdout + r.stderr if r.returncode == 0 else None


def target_dir():
    """Cargo's target directory (CARGO_TARGET_DIR or a config may put it outside the checkout)."""
    meta = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                          check=True, capture_output=True, text=True, cwd=ROOT, env=env())
    return Path(json.loads(meta.stdout)["target_directory"])


def locked_version(package):
    lock = (ROOT / "Cargo.lock").read_text()
    m = re.search(r'\[\[package\]\]\nname = "%s"\nversion = "([^"]+)"' % re.escape(package), lock)
    return m.group(1) if m else None


def ensure_cargo_tool(binary, crate, version, locked):
    have = output([binary, "--version"])
    if have and version in have.split():
        say(f"{binary} {version}: installed")
        return
    cmd = ["cargo", "install", crate, "--version", version, "--force"]
    if locked:
        cmd.append("--locked")
    run(cmd)


def setup(browser):
    started = time.monotonic()
    cfg = config()
    tools = cfg["tools"]
    want = tools["wasm-bindgen-cli"]
    lock = locked_version("wasm-bindgen")
    if lock != want:
        sys.exit(
            f"wasm-pack.toml pins wasm-bindgen-cli {want} but Cargo.lock has wasm-bindgen {lock}; "
            "they must be equal (update wasm-pack.toml's [tools] wasm-bindgen-cli)"
        )
    channel = toolchain()
    installed = output(["rustup", "target", "list", "--installed", "--toolchain", channel]) or ""
    if "wasm32-unknown-unknown" in installed.split():
        say(f"wasm32-unknown-unknown for {channel}: installed")
    else:
        run(["rustup", "toolchain", "install", channel, "--profile", "minimal",
             "--component", "rustfmt", "--component", "clippy"])
        run(["rustup", "target", "add", "wasm32-unknown-unknown", "--toolchain", channel])
    ensure_cargo_tool("wasm-pack", "wasm-pack", tools["wasm-pack"], locked=True)
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", want, locked=False)
    # npm packages, each in a folder of its own (npm --no-save prunes what else a folder holds):
    # binaryen's wasm-opt for wasm-pack, terser for the glue (minify_glue), csso for the style
    # sheet (bundle_css), and axe-core for the accessibility tests (tests/e2e/a11y.rs).
    ensure_npm_package("binaryen", tools["binaryen"], TOOLS_DIR)
    ensure_npm_package("terser", tools["terser"], TOOLS_DIR / "terser")
    ensure_npm_package("csso-cli", tools["csso-cli"], TOOLS_DIR / "csso")
    if browser:
        ensure_npm_package("axe-core", tools["axe-core"], AXE_DIR)
        b = cfg["browser"]
        missing = [pkg for pkg, path in b["packages"].items() if not Path(path).exists()]
        if missing:
            sudo = [] if os.geteuid() == 0 else ["sudo"]
            run(sudo + ["apt-get", "update"])
            run(sudo + ["apt-get", "install", "-y", "--no-install-recommends"] + missing)
        else:
            say("Debian packages " + ", ".join(b["packages"]) + ": installed")
    say(f"set-up took {time.monotonic() - started:.1f} s")


def ensure_npm_package(package, version, folder):
    """`npm install --prefix folder package@version` unless that version is there already."""
    try:
        have = json.loads((folder / "node_modules" / package / "package.json")
                          .read_text())["version"]
    except (OSError, ValueError, KeyError):
        have = None
    if have == version:
        say(f"{package} {version} (npm): installed")
        return
    folder.mkdir(parents=True, exist_ok=True)
    run(["npm", "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund",
         f"{package}@{version}"])


def build():
    setup(browser=False)
    b = config()["build"]
    run(["wasm-pack", "build", "--mode", "no-install", "--release",
         "--target", b["target"], "--out-dir", b["out-dir"], "--no-pack"])
    shorten_imports()
    minify_glue()
    bundle_css()
    shell_manifest()
    package_files()


# The npm package's files (package.json "files"): the public entry point and its types
# (package/), the README, and wasm-bindgen's output they re-export from.
PACKAGE_FILES = ["index.js", "index.d.ts", "README.md", "webtoken.js", "webtoken.d.ts",
                 "webtoken_bg.wasm", "webtoken_bg.wasm.d.ts"]


def package_files():
    """Makes <out-dir> an npm package: package/'s entry point, types and README, and a
    package.json whose version and license are the workspace's (Cargo.toml)."""
    out = ROOT / config()["build"]["out-dir"]
    for name in ("index.js", "index.d.ts", "README.md"):
        shutil.copyfile(ROOT / "package" / name, out / name)
    workspace = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]
    manifest = {
        "name": "webtoken",
        "version": workspace["version"],
        "description": "One-time passwords in WebAssembly: TOTP/HOTP codes, otpauth:// Key URIs "
                       "and a validator with single-use codes, lockout and an audit log.",
        "license": workspace["license"],
        "type": "module",
        "main": "./index.js",
        "types": "./index.d.ts",
        "exports": {
            ".": {"types": "./index.d.ts", "default": "./index.js"},
            "./package.json": "./package.json",
        },
        "files": PACKAGE_FILES,
        "sideEffects": False,
        "keywords": ["totp", "hotp", "otp", "2fa", "otpauth", "wasm"],
    }
    (out / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say(f"{out.name}/package.json: webtoken {workspace['version']}, {len(PACKAGE_FILES)} files")


def shorten_imports():
    """Renames wasm-bindgen's import names in the wasm and its glue (scripts/wasm_imports.py)."""
    out = ROOT / config()["build"]["out-dir"]
    wasm, glue = out / "webtoken_bg.wasm", out / "webtoken.js"
    short_wasm, short_glue, count = wasm_imports.shorten(wasm.read_bytes(), glue.read_text())
    saved = wasm.stat().st_size - len(short_wasm)
    wasm.write_bytes(short_wasm)
    glue.write_text(short_glue)
    say(f"{out.name}/: {count} import names shortened ({saved:,} B less in the wasm)")


def stylesheet_sources():
    return [ROOT / p for p in config()["build"]["stylesheets"]]


def bundle_css():
    """Joins the page's style sheets (wasm-pack.toml [build] stylesheets, in cascade order)
    and minifies them with the pinned csso into <out-dir>/webtoken.css: one request instead of
    five, and no comments or spacing on the wire."""
    out = ROOT / config()["build"]["out-dir"] / "webtoken.css"
    joined = out.with_name("webtoken.src.css")
    joined.write_text("\n".join(p.read_text() for p in stylesheet_sources()))
    run([str(CSSO), str(joined), "-o", str(out)])
    joined.unlink()
    say(f"{out.parent.name}/{out.name}: {len(stylesheet_sources())} style sheets, "
        f"{out.stat().st_size:,} B")


# terser's options for the glue: an ES module whose exports keep their names.
TERSER_ARGS = ["--module", "--compress", "--mangle", "--comments", "false"]


def minify_glue():
    """Minifies wasm-bindgen's JavaScript glue in place with the pinned terser (a build step,
    like wasm-opt for the wasm)."""
    glue = ROOT / config()["build"]["out-dir"] / "webtoken.js"
    before = glue.stat().st_size
    run([str(TERSER), str(glue), *TERSER_ARGS, "-o", str(glue)])
    say(f"{glue.parent.name}/{glue.name}: terser {before:,} -> {glue.stat().st_size:,} B")


def shell_manifest():
    """Writes pkg/shell.json: the files the service worker (sw.js) keeps for offline use and
    a version that changes whenever any of them does (SHA-256 over names and contents)."""
    out = ROOT / config()["build"]["out-dir"]
    files = [("./", ROOT / "index.html")]
    # Hidden files are not served (the server answers 404), so they are not in the shell.
    # The style sheets' sources are not: the page links their bundle, pkg/webtoken.css.
    sources = set(stylesheet_sources())
    files += [(f"www/{p.name}", p) for p in sorted((ROOT / "www").iterdir())
              if p.is_file() and not p.name.startswith(".") and p not in sources]
    files += [(f"{out.name}/{n}", out / n)
              for n in ("webtoken.js", "webtoken_bg.wasm", "webtoken.css")]
    digest = hashlib.sha256()
    for name, path in files:
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    manifest = {"version": digest.hexdigest()[:16], "files": [name for name, _ in files]}
    (out / "shell.json").write_text(json.dumps(manifest, indent=1) + "\n")
    say(f"{out.name}/shell.json: {len(files)} files, version {manifest['version']}")


def serve(port):
    build()
    run(["cargo", "build", "--release", "--locked", "-p", "webtoken-server",
         "--bin", "webtoken-serve"])
    os.execvpe(str(target_dir() / "release" / "webtoken-serve"),
               ["webtoken-serve", "--port", str(port), "--root", str(ROOT)], env())


RESULT = re.compile(r"test result: (\w+)\. (\d+) passed; (\d+) failed(?:; (\d+) ignored)?")
# node --test's summary lines (TAP): "# pass 9", "# fail 0", "# skipped 0".
NODE_RESULT = re.compile(r"^# (pass|fail|skipped) (\d+)$")


def layer(name, cmd, counts, extra_env=None):
    say(f"=== {name}")
    say("$ " + " ".join(cmd))
    started = time.monotonic()
    e = env()
    e.update(extra_env or {})
    proc = subprocess.Popen(cmd, cwd=ROOT, env=e, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    passed = failed = ignored = 0
    seen = False
    for line in proc.stdout:
        sys.stdout.write(line)
        m = RESULT.search(line)
        if m:
            seen = True
            passed += int(m.group(2))
            failed += int(m.group(3))
            ignored += int(m.group(4) or 0)
        m = NODE_RESULT.match(line.strip())
        if m:
            seen = True
            n = int(m.group(2))
            passed += n if m.group(1) == "pass" else 0
            failed += n if m.group(1) == "fail" else 0
            ignored += n if m.group(1) == "skipped" else 0
    rc = proc.wait()
    took = time.monotonic() - started
    counts.append((name, rc, passed if seen else None, failed, ignored, took))
    if rc != 0:
        summary(counts)
        sys.exit(f"layer '{name}' failed (exit {rc})")


def webdriver_json():
    """Capabilities for wasm-bindgen-test-runner, from wasm-pack.toml's [browser] table."""
    b = config()["browser"]
    profile = target_dir() / "wasm-test-profile"
    shutil.rmtree(profile, ignore_errors=True)
    # The bank's customers' browsers prefer Japanese: the page's default follows the browser.
    caps = {"goog:chromeOptions": {
        "binary": b["chromium"],
        "args": b["args"] + [f"--user-data-dir={profile}", "--lang=ja"],
        "prefs": {"intl": {"accept_languages": "ja"}},
    }}
    path = target_dir() / "webdriver.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(caps, indent=2))
    return path


def summary(counts):
    print("\n==== test layers ====", flush=True)
    total = 0
    for name, rc, passed, failed, ignored, took in counts:
        status = "ok" if rc == 0 else "FAILED"
        if passed is None:
            detail = "check"
        else:
            total += passed
            detail = f"{passed} passed, {failed} failed, {ignored} ignored"
        print(f"{status:7} {name:34} {detail:38} {took:6.1f} s", flush=True)
    print(f"tests passed in all: {total}", flush=True)


def test():
    setup(browser=True)
    counts = []
    layer("cargo fmt --check", ["cargo", "fmt", "--all", "--check"], counts)
    layer("clippy (native)", ["cargo", "clippy", "--locked", "--workspace", "--all-targets",
                              "--features", "webtoken/e2e", "--", "-D", "warnings"], counts)
    # The server crate is native only (tokio's sockets): every other member builds for wasm32.
    layer("clippy (wasm32)", ["cargo", "clippy", "--locked", "--target", "wasm32-unknown-unknown",
                              "--workspace", "--exclude", "webtoken-server", "--lib", "--test",
                              "web", "--", "-D", "warnings"], counts)
    layer("cargo doc", ["cargo", "doc", "--locked", "--workspace", "--no-deps"], counts,
          {"RUSTDOCFLAGS": "-Dwarnings"})
    layer("cargo doc (wasm32)", ["cargo", "doc", "--locked", "--workspace", "--exclude",
                                 "webtoken-server", "--no-deps", "--target",
                                 "wasm32-unknown-unknown"], counts,
          {"RUSTDOCFLAGS": "-Dwarnings"})
    layer("native tests (cargo test)", ["cargo", "test", "--locked", "--workspace"], counts)
    b = config()["build"]
    layer("wasm build (release)", ["wasm-pack", "build", "--mode", "no-install", "--release",
                                   "--target", b["target"], "--out-dir", b["out-dir"],
                                   "--no-pack"], counts)
    shorten_imports()
    minify_glue()
    bundle_css()
    shell_manifest()
    package_files()
    layer("page weight (size-budget.toml)",
          [sys.executable, "scripts/bench.py", "size", "--check"], counts)
    layer("browser tests (wasm-bindgen-test)",
          ["wasm-pack", "test", "--mode", "no-install", "--headless", "--chrome",
           "--chromedriver", config()["browser"]["chromedriver"], "--", "--locked", "--test", "web"],
          counts, {"WASM_BINDGEN_TEST_WEBDRIVER_JSON": str(webdriver_json())})
    layer("end-to-end (headless Chromium)",
          ["cargo", "test", "--locked", "--features", "e2e", "--test", "e2e"], counts)
    layer("npm package (npm pack, install, node --test)",
          [sys.executable, str(ROOT / "scripts" / "tools.py"), "package-test"], counts)
    summary(counts)


def package_test():
    """Packs <out-dir> with npm, installs the tarball into a scratch project (offline: the
    package has no dependencies) and runs tests/package/*.test.mjs there with node --test,
    importing the package by its name, as a developer's project would."""
    out = ROOT / config()["build"]["out-dir"]
    scratch = target_dir() / "package-test"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    packed = subprocess.run(["npm", "pack", "--json", "--pack-destination", str(scratch)],
                            cwd=out, env=env(), capture_output=True, text=True)
    if packed.returncode != 0:
        sys.exit(f"npm pack failed (exit {packed.returncode}):\n{packed.stderr}")
    info = json.loads(packed.stdout)[0]
    have = sorted(f["path"] for f in info["files"])
    say(f"npm pack: {info['filename']}, {info['size']:,} B, files {have}")
    if have != sorted(PACKAGE_FILES + ["package.json"]):
        sys.exit(f"npm pack holds {have}, not the package's files")
    (scratch / "package.json").write_text('{"name": "scratch", "private": true, "type": "module"}\n')
    run(["npm", "install", "--offline", "--no-audit", "--no-fund", "--no-save",
         str(scratch / info["filename"])], cwd=scratch)
    tests = sorted((ROOT / "tests" / "package").glob("*.test.mjs"))
    for t in tests:
        shutil.copyfile(t, scratch / t.name)
    run(["node", "--test", "--test-reporter=tap", *[t.name for t in tests]], cwd=scratch)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "setup":
            setup(browser="--browser" in rest)
        elif cmd == "build":
            build()
        elif cmd == "serve":
            port = int(rest[rest.index("--port") + 1]) if "--port" in rest else 8080
            serve(port)
        elif cmd == "test":
            test()
        elif cmd == "package-test":
            package_test()
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as e:
        sys.exit(f"command failed (exit {e.returncode}): {' '.join(map(str, e.cmd))}")


if __name__ == "__main__":
    main(sys.argv[1:])
