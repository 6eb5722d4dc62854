use proptest::prelude::*;

use super::*;
use crate::qr::{EcLevel, QUIET_ZONE, QrCode};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

/// `code` drawn as luma, `scale` pixels a module with the quiet zone, turned by `degrees`
/// about the picture's centre (nearest pixel; corners outside are white), on a canvas of side
/// `side` (`None`: just large enough unturned).
fn draw(code: &QrCode, scale: usize, degrees: f64, side: Option<usize>) -> (u32, Vec<u8>) {
    let modules = code.size + 2 * QUIET_ZONE;
    let side = side.unwrap_or(modules * scale);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let centre = side as f64 / 2.0;
    let half = (modules * scale) as f64 / 2.0;
    let mut luma = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (x as f64 + 0.5 - centre, y as f64 + 0.5 - centre);
            // The point of the unturned symbol that lands here.
            let (sx, sy) = (cos * dx + sin * dy + half, -sin * dx + cos * dy + half);
            if sx < 0.0 || sy < 0.0 {
                continue;
            }
            let (mx, my) = ((sx as usize) / scale, (sy as usize) / scale);
            if mx >= QUIET_ZONE && my >= QUIET_ZONE && code.module(mx - QUIET_ZONE, my - QUIET_ZONE)
            {
                luma[y * side + x] = 0;
            }
        }
    }
    (side as u32, luma)
}

fn encode(text: &str) -> QrCode {
    QrCode::encode(text.as_bytes(), EcLevel::M).expect("fits")
}

#[test]
fn reads_what_the_encoder_draws_at_several_scales() {
    let code = encode(URI);
    for scale in [2, 3, 5, 8] {
        let (side, luma) = draw(&code, scale, 0.0, None);
        assert_eq!(
            read_luma(side, side, &luma),
            Ok(vec![URI.to_owned()]),
            "scale {scale}"
        );
    }
}

#[test]
fn reads_a_turned_code() {
    let code = encode(URI);
    for degrees in [90.0, 17.0, 45.0] {
        let (side, luma) = draw(&code, 6, degrees, Some(400));
        assert_eq!(
            read_luma(side, side, &luma),
            Ok(vec![URI.to_owned()]),
            "{degrees} degrees"
        );
    }
}

#[test]
fn reads_rgba_with_colour_and_transparency() {
    let code = encode(URI);
    let (side, luma) = draw(&code, 4, 0.0, None);
    // Dark modules dark blue and opaque; light ones fully transparent (no background).
    let rgba: Vec<u8> = luma
        .iter()
        .flat_map(|&l| {
            if l == 0 {
                [10, 20, 90, 255]
            } else {
                [0, 0, 0, 0]
            }
        })
        .collect();
    assert_eq!(read_rgba(side, side, &rgba), Ok(vec![URI.to_owned()]));
}

#[test]
fn reads_each_of_several_codes() {
    let (a, b) = (
        "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/B?secret=GEZDGNBVGY3TQOJQ",
    );
    let (side, left) = draw(&encode(a), 4, 0.0, None);
    let (_, right) = draw(&encode(b), 4, 0.0, Some(side as usize));
    let side = side as usize;
    // The two side by side.
    let mut luma = Vec::with_capacity(2 * side * side);
    for row in 0..side {
        luma.extend_from_slice(&left[row * side..][..side]);
        luma.extend_from_slice(&right[row * side..][..side]);
    }
    let mut texts = read_luma(2 * side as u32, side as u32, &luma).expect("two codes");
    texts.sort();
    assert_eq!(texts, [a, b]);
}

#[test]
fn a_blank_picture_has_no_code() {
    assert_eq!(
        read_luma(300, 200, &[255; 300 * 200]),
        Err(ReadError::NotFound)
    );
    assert_eq!(
        read_luma(300, 200, &[0; 300 * 200]),
        Err(ReadError::NotFound)
    );
}

#[test]
fn noise_is_an_error_not_a_panic() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..256 * 256)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let read = read_luma(256, 256, &noise);
    assert!(
        matches!(read, Err(ReadError::NotFound | ReadError::Unreadable)),
        "{read:?}"
    );
}

#[test]
fn a_damaged_code_is_unreadable() {
    let code = encode(URI);
    let (side, mut luma) = draw(&code, 4, 0.0, None);
    let side = side as usize;
    // The finder patterns stay; a band through the data is wiped white.
    let band = (side / 2 - 20)..(side / 2 + 20);
    for y in band {
        for x in (QUIET_ZONE * 4 + 40)..(side - QUIET_ZONE * 4) {
            luma[y * side + x] = 255;
        }
    }
    assert_eq!(
        read_luma(side as u32, side as u32, &luma),
        Err(ReadError::Unreadable)
    );
}

#[test]
fn sizes_are_bounded_before_anything_is_read() {
    assert_eq!(read_luma(0, 10, &[]), Err(ReadError::Empty));
    assert_eq!(read_rgba(10, 0, &[]), Err(ReadError::Empty));
    let huge = ReadError::TooLarge {
        width: u32::MAX,
        height: u32::MAX,
    };
    assert_eq!(read_rgba(u32::MAX, u32::MAX, &[0; 16]), Err(huge));
    // Each side within bounds, too many pixels together.
    assert_eq!(
        read_luma(4096, 4000, &[]),
        Err(ReadError::TooLarge {
            width: 4096,
            height: 4000
        })
    );
    assert_eq!(
        read_luma(4097, 1, &[0; 4097]),
        Err(ReadError::TooLarge {
            width: 4097,
            height: 1
        })
    );
}

#[test]
fn truncated_or_overlong_buffers_are_refused() {
    let code = encode(URI);
    let (side, luma) = draw(&code, 4, 0.0, None);
    let expected = u64::from(side) * u64::from(side);
    assert_eq!(
        read_luma(side, side, &luma[..luma.len() - 1]),
        Err(ReadError::Truncated {
            expected,
            got: luma.len() - 1
        })
    );
    assert_eq!(
        read_rgba(side, side, &luma),
        Err(ReadError::Truncated {
            expected: 4 * expected,
            got: luma.len()
        })
    );
    let mut longer = luma.clone();
    longer.push(0);
    assert!(matches!(
        read_luma(side, side, &longer),
        Err(ReadError::Truncated { .. })
    ));
}

#[test]
fn errors_are_worded_in_both_languages() {
    let errors = [
        ReadError::Empty,
        ReadError::TooLarge {
            width: 5000,
            height: 300,
        },
        ReadError::Truncated {
            expected: 4,
            got: 3,
        },
        ReadError::NotFound,
        ReadError::Unreadable,
        ReadError::NotAnImage,
    ];
    for e in errors {
        let (ja, en) = (e.message(Lang::Ja), e.message(Lang::En));
        assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{e:?}");
        assert!(!ja.contains('{') && !en.contains('{'), "{en}");
    }
    assert!(
        ReadError::TooLarge {
            width: 5000,
            height: 300
        }
        .message(Lang::En)
        .contains("5000 x 300")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any small picture of any bytes, with any claimed size: an answer, never a panic.
    #[test]
    fn any_pixels_are_answered(width in 0u32..80, height in 0u32..80, bytes in proptest::collection::vec(any::<u8>(), 0..(4 * 80 * 80))) {
        let _ = read_luma(width, height, &bytes);
        let _ = read_rgba(width, height, &bytes);
    }
}

#[test]
fn fits_says_which_sizes_the_reader_takes_as_its_refusals_do() {
    for (width, height) in [
        (1, 1),
        (MAX_SIDE, 1),
        (4000, 4000),
        (0, 10),
        (10, 0),
        (MAX_SIDE + 1, 1),
        (4096, 4000),
    ] {
        let refused_by_size = matches!(
            read_rgba(width, height, &[]),
            Err(ReadError::Empty | ReadError::TooLarge { .. })
        );
        assert_eq!(fits(width, height), !refused_by_size, "{width} x {height}");
    }
    assert!(fits(4000, 4000));
    assert!(!fits(4096, 4000), "16,384,000 pixels: over MAX_PIXELS");
    assert!(!fits(0, 1));
}
