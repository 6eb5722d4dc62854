"""Shortens the names under which the wasm imports wasm-bindgen's JavaScript functions.

wasm-bindgen names each import like `__wbg_getAttribute_c7b80d4010284561`: about 190 names of
some 40 bytes, each written twice (in the wasm's import section and as a key of the glue's
imports object), and the hashes in them do not compress. This renames them `$a`, `$b`, ...
in both files, consistently; nothing else changes. `tools.py build` runs it after wasm-pack
and before terser; `bench.py size` reports what it saves.

Every renamed name must occur exactly once in the glue, as a whole word, and must not also be an
export's name; otherwise this stops with an error rather than write a half-renamed pair.
"""

import re

MODULE = "./webtoken_bg.js"


def _leb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _enc(value):
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | 0x80 if value else byte)
        if not value:
            return bytes(out)


def _name(data, i):
    n, i = _leb(data, i)
    return data[i:i + n].decode(), i + n


def _sections(wasm):
    if wasm[:8] != b"\0asm\x01\0\0\0":
        raise ValueError("not a wasm module (version 1)")
    i = 8
    while i < len(wasm):
        size, start = _leb(wasm, i + 1)
        yield wasm[i], wasm[start:start + size]
        i = start + size


def _exports(wasm):
    names = set()
    for sid, body in _sections(wasm):
        if sid == 7:
            count, p = _leb(body, 0)
            for _ in range(count):
                name, p = _name(body, p)
                _, p = _leb(body, p + 1)
                names.add(name)
    return names


def _short(n):
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        out = letters[n % 26] + out
        n = n // 26 - 1
        if n < 0:
            return "$" + out


def _skip_desc(body, p):
    """The end of one import's description (function, table, memory or global) at `p`."""
    kind = body[p]
    p += 1
    if kind == 0:  # function: type index
        return _leb(body, p)[1]
    if kind == 1:  # table: reftype, limits
        p += 1
    if kind in (1, 2):  # limits: flags, min, [max]
        flags = body[p]
        _, p = _leb(body, p + 1)
        return _leb(body, p)[1] if flags & 1 else p
    if kind == 3:  # global: valtype, mutability
        return p + 2
    raise ValueError(f"unknown import kind {kind}")


def shorten(wasm, glue):
    """(wasm, glue, count): both with the wasm-bindgen import names shortened."""
    exports = _exports(wasm)
    mapping = {}
    out = bytearray(wasm[:8])
    for sid, body in _sections(wasm):
        if sid == 2:
            count, p = _leb(body, 0)
            new = bytearray(_enc(count))
            for _ in range(count):
                module, p = _name(body, p)
                field, p = _name(body, p)
                end = _skip_desc(body, p)
                if module == MODULE and field not in exports:
                    field = mapping.setdefault(field, _short(len(mapping)))
                for text in (module, field):
                    raw = text.encode()
                    new += _enc(len(raw)) + raw
                new += body[p:end]
                p = end
            body = bytes(new)
        out.append(sid)
        out += _enc(len(body)) + body
    taken = set(re.findall(r"[A-Za-z_$][\w$]*", glue))
    for old, new in mapping.items():
        if new in taken:
            raise ValueError(f"the short name {new!r} is already used in the glue")
        glue, n = re.subn(r"(?<![\w$])" + re.escape(old) + r"(?![\w$])", new, glue)
        if n != 1:
            raise ValueError(f"{old} occurs {n} times in the glue, not once")
    return bytes(out), glue, len(mapping)
