#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn level(name: &str) -> EcLevel {
    match name {
        "L" => EcLevel::L,
        "M" => EcLevel::M,
        "Q" => EcLevel::Q,
        "H" => EcLevel::H,
        other => panic!("unknown level {other}"),
    }
}

fn rows(code: &QrCode) -> String {
    let mut text = String::new();
    for row in code.modules.chunks(code.size) {
        text.extend(row.iter().map(|&dark| if dark { '1' } else { '0' }));
        text.push('\n');
    }
    text
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Symbols made by segno (tests/vectors/qr_segno.py): same version, same mask chosen, same
/// modules.
#[test]
fn matches_reference_symbols() {
    let text = include_str!("../../tests/vectors/qr_segno.txt");
    let mut checked = 0;
    for block in text.split("\n\n").filter(|b| b.contains("data = ")) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(" = "))
                .unwrap()
        };
        let data = hex_decode(field("data"));
        let expected: String = block
            .lines()
            .filter(|l| l.starts_with(['0', '1']))
            .flat_map(|l| l.chars().chain(['\n']))
            .collect();
        let code = QrCode::encode(&data, level(field("level"))).unwrap();
        assert_eq!(code.version.to_string(), field("version"), "{block}");
        assert_eq!(code.mask.to_string(), field("mask"), "{block}");
        assert_eq!(rows(&code), expected, "{block}");
        checked += 1;
    }
    assert_eq!(checked, 8);
}

/// Every version at every level, filled to capacity, against segno's symbols by SHA-256:
/// checks the block tables, alignment positions, version information and mask choice.
#[test]
fn matches_reference_digests() {
    let text = include_str!("../../tests/vectors/qr_segno_digests.txt");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split(' ').collect();
        let version: usize = f[0].parse().unwrap();
        let bytes: usize = f[2].parse().unwrap();
        let data: Vec<u8> = (0..bytes)
            .map(|i| ((i * 37 + version * 11) % 256) as u8)
            .collect();
        let ec = level(f[1]);
        assert_eq!(max_bytes(version, ec), bytes, "capacity of {line}");
        let code = QrCode::encode(&data, ec).unwrap();
        assert_eq!(usize::from(code.version), version, "{line}");
        assert_eq!(code.mask.to_string(), f[3], "mask of {line}");
        let digest = hex_encode(&Sha256::digest(rows(&code).as_bytes()));
        assert_eq!(digest, f[4], "{line}");
        checked += 1;
    }
    assert_eq!(checked, 160);
}

#[test]
fn forced_mask_is_used_and_checked() {
    for mask in 0..8 {
        let code = QrCode::encode_with_mask(b"HELLO WORLD", EcLevel::M, Some(mask)).unwrap();
        assert_eq!(code.mask, mask);
    }
    assert_eq!(
        QrCode::encode_with_mask(b"x", EcLevel::M, Some(8)),
        Err(QrError::InvalidMask { mask: 8 })
    );
}

#[test]
fn too_long_input_is_an_error() {
    let max = max_bytes(40, EcLevel::M);
    assert_eq!(max, 2331);
    assert_eq!(
        QrCode::encode(&vec![b'a'; max], EcLevel::M)
            .unwrap()
            .version,
        40
    );
    let error = QrCode::encode(&vec![b'a'; max + 1], EcLevel::M).unwrap_err();
    assert_eq!(
        error,
        QrError::TooLong {
            bytes: max + 1,
            max
        }
    );
    assert!(error.message_en().contains("2332 bytes"));
    assert!(error.message_ja().contains("2332バイト"));
}

#[test]
fn empty_input_is_a_version_1_symbol() {
    let code = QrCode::encode(b"", EcLevel::L).unwrap();
    assert_eq!((code.version, code.size), (1, 21));
}

#[test]
fn reed_solomon_matches_the_worked_example() {
    // ISO/IEC 18004 Annex I, the encoding example: "01234567" in 1-M, 16 data + 10 ECC codewords.
    let data = [
        0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC,
        0x11,
    ];
    let ecc = rs_remainder(&data, &rs_divisor(10));
    assert_eq!(
        ecc,
        [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
    );
}

#[test]
fn svg_is_one_path_with_a_quiet_zone() {
    let code = QrCode::encode(b"HELLO WORLD", EcLevel::M).unwrap();
    let svg = code.to_svg(4);
    assert!(svg.starts_with(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" width="116" height="116""#
    ));
    assert!(svg.ends_with("\"/></svg>"));
    assert_eq!(svg.matches("<path").count(), 1);
    // The top-left finder's first row is a run of 7 dark modules at the quiet-zone offset.
    assert!(svg.contains(r#"d="M4 4h7v1H4z"#));
    // Every dark module is covered by exactly one run: redraw the runs and compare.
    let d = &svg[svg.find(" d=\"").unwrap() + 4..svg.rfind('"').unwrap()];
    let mut drawn = vec![false; code.size * code.size];
    for run in d.split('M').filter(|r| !r.is_empty()) {
        let nums: Vec<usize> = run
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (x, y, len) = (nums[0] - QUIET_ZONE, nums[1] - QUIET_ZONE, nums[2]);
        for cell in &mut drawn[y * code.size + x..y * code.size + x + len] {
            assert!(!*cell);
            *cell = true;
        }
    }
    assert_eq!(drawn, code.modules);
}

#[test]
fn svg_of_a_malformed_code_does_not_panic() {
    let code = QrCode {
        size: 3,
        modules: vec![true; 5],
        version: 1,
        mask: 0,
    };
    assert!(code.to_svg(0).contains("width=\"0\""));
    let empty = QrCode {
        size: 0,
        modules: Vec::new(),
        version: 1,
        mask: 0,
    };
    assert!(empty.to_svg(u32::MAX).contains("d=\"\""));
    assert!(!empty.module(0, 0));
    assert!(!code.module(usize::MAX, usize::MAX) && !code.module(0, usize::MAX));
}

#[test]
fn push_number_writes_decimal() {
    let mut s = String::new();
    for n in [0, 7, 10, 1234, usize::MAX] {
        push_number(&mut s, n);
        s.push(',');
    }
    assert_eq!(s, format!("0,7,10,1234,{},", usize::MAX));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any input up to a few hundred bytes encodes without panicking into a consistent symbol.
    #[test]
    fn encodes_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..400), ec in 0..4_u8) {
        let ec = [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H][usize::from(ec)];
        let code = QrCode::encode(&data, ec).unwrap();
        prop_assert_eq!(code.size, 17 + 4 * usize::from(code.version));
        prop_assert_eq!(code.modules.len(), code.size * code.size);
        prop_assert!(data.len() <= max_bytes(usize::from(code.version), ec));
        let version = usize::from(code.version);
        prop_assert!(version == 1 || data.len() > max_bytes(version - 1, ec));
        // Finder pattern corners and the dark module are where they belong.
        let last = code.size - 1;
        prop_assert!(code.module(0, 0) && code.module(last, 0) && code.module(0, last));
        prop_assert!(code.module(8, code.size - 8));
    }
}
