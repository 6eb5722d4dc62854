#!/usr/bin/env python3
"""Writes the QR Code reference vectors read by `token::qr::tests`.

Run once by hand; neither the crate nor its tests need Python:

    pip install --target /tmp/qrref segno==1.6.6 qrcode==8.2
    PYTHONPATH=/tmp/qrref python3 tests/vectors/qr_segno.py tests/vectors

segno is an independent encoder that follows ISO/IEC 18004:2015. Every symbol here is in byte
mode without ECI, with segno's automatic mask choice and without its error-level boost.

segno 1.6.6 pads wrongly when the terminator ends on a byte boundary (it adds a zero byte
before the pad codewords; heuer/segno issues 123 and 148), which in byte mode is every symbol
with room left. It is patched below as those issues propose, and each symbol of qr_segno.txt
is also checked against the python-qrcode package with the same mask.
"""
import hashlib
import sys

import qrcode
import qrcode.util
import segno
import segno.encoder


def _write_padding_bits(buff, version, length):
    if version not in (segno.consts.VERSION_M1, segno.consts.VERSION_M3):
        buff.extend([0] * (-length % 8))


segno.encoder.write_padding_bits = _write_padding_bits

LEVELS = "LMQH"

# (comment, data, level): short text, lengths that need versions 1, 2, 5 and 7 to 10, an
# otpauth URI with a 32-character secret, issuer and account, and one with a Japanese label.
SYMBOLS = [
    ("short text, version 1", b"HELLO WORLD", "M"),
    ("20 bytes, version 2", b"https://example.com/", "M"),
    ("70 bytes, version 5", b"The quick brown fox jumps over the lazy dog. 0123456789 ~!@#$%^&*()_+", "M"),
    (
        "otpauth URI, 32-character secret",
        b"otpauth://totp/Example%20Bank:ABCD12345678?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
        b"&issuer=Example%20Bank&algorithm=SHA1&digits=6&period=30",
        "M",
    ),
    (
        "otpauth URI, Japanese label, level L",
        "otpauth://totp/さくら銀行:山田太郎?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        "&issuer=さくら銀行&algorithm=SHA256&digits=8&period=60".encode(),
        "L",
    ),
    ("250 bytes at L, version 10 (16-bit count)", bytes((i * 37 + 11) % 256 for i in range(250)), "L"),
    ("40 bytes at H, version 5", bytes(range(40)), "H"),
    ("60 bytes at Q, version 5", b"Q" * 60, "Q"),
]


def rows(code):
    return ["".join("1" if m else "0" for m in row) for row in code.matrix]


def fill(version, level):
    """The bytes the digest test encodes: as many as fit in `version` at `level`."""
    def make(n):
        data = bytes((i * 37 + version * 11) % 256 for i in range(n))
        try:
            return segno.make_qr(data, error=level, version=version, mode="byte", boost_error=False)
        except segno.DataOverflowError:
            return None

    lo, hi = 1, 3000  # make(lo) fits, make(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if make(mid) else (lo, mid)
    return lo, make(lo)


def main(out):
    with open(f"{out}/qr_segno.txt", "w", encoding="utf-8") as f:
        f.write(
            "# QR Code reference symbols made by segno 1.6.6 with its padding fixed, each checked\n"
            "# against python-qrcode 8.2 with the same mask (tests/vectors/qr_segno.py).\n"
            "# Read by `token::qr::tests::matches_reference_symbols`. Blocks separated by a\n"
            "# blank line: data (hex), level, version, segno's mask, then the rows of the symbol\n"
            "# without quiet zone, 1 = dark.\n"
        )
        for comment, data, level in SYMBOLS:
            code = segno.make_qr(data, error=level, mode="byte", boost_error=False)
            other = qrcode.QRCode(error_correction=getattr(qrcode.constants, f"ERROR_CORRECT_{level}"),
                                  border=0, mask_pattern=code.mask)
            other.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE))
            other.make(fit=True)
            assert other.version == code.version and rows(code) == [
                "".join("1" if m else "0" for m in row) for row in other.get_matrix()
            ], comment
            f.write(f"\n# {comment}\ndata = {data.hex()}\nlevel = {level}\n")
            f.write(f"version = {code.version}\nmask = {code.mask}\n")
            f.write("\n".join(rows(code)) + "\n")
    with open(f"{out}/qr_segno_digests.txt", "w", encoding="utf-8") as f:
        f.write(
            "# Every version (1..=40) at every level, filled to capacity, made by segno 1.6.6\n"
            "# (tests/vectors/qr_segno.py). Read by `token::qr::tests::matches_reference_digests`.\n"
            "# Data byte i is (37 i + 11 version) mod 256. Columns: version, level, bytes,\n"
            "# segno's mask, SHA-256 of the rows as '0'/'1' text, each row ending in a newline.\n"
        )
        for version in range(1, 41):
            for level in LEVELS:
                n, code = fill(version, level)
                text = "".join(r + "\n" for r in rows(code))
                digest = hashlib.sha256(text.encode()).hexdigest()
                f.write(f"{version} {level} {n} {code.mask} {digest}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/vectors")
