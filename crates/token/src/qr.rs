//! Byte mode, the four error-correction levels, versions 1 to 40 (ISO/IEC 18004:2015), drawn
//! as one small SVG.
//!
//! Small on purpose: no lookup tables beyond the two of Table 9, Galois-field products computed
//! bit by bit, and no formatting machinery in the SVG writer.
//!
//! ```
//! use webtoken_token::qr::{EcLevel, QrCode};
//! let uri = b"otpauth://totp/Bank:ABCD12345678?secret=GEZDGNBVGY3TQOJQ";
//! let code = QrCode::encode(uri, EcLevel::M).expect("short enough for a QR code");
//! assert_eq!((code.version, code.size), (4, 33));
//! assert!(code.to_svg(4).starts_with("<svg "));
//! ```

use core::fmt;

use webtoken_engine::i18n::qr::Text;
use webtoken_engine::i18n::{Lang, fill};

#[cfg(test)]
mod tests;

pub mod read;

/// Modules of light margin around the symbol: the four ISO/IEC 18004 requires.
pub const QUIET_ZONE: usize = 4;

/// The error-correction level (ISO/IEC 18004 section 7.5): how much of the symbol can be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EcLevel {
    /// Recovers about 7 % of the codewords.
    L,
    /// Recovers about 15 % of the codewords; the default.
    #[default]
    M,
    /// Recovers about 25 % of the codewords.
    Q,
    /// Recovers about 30 % of the codewords.
    H,
}

impl EcLevel {
    /// The two error-correction bits of the format information (section 7.9, Table 12).
    const fn format_bits(self) -> usize {
        match self {
            EcLevel::L => 1,
            EcLevel::M => 0,
            EcLevel::Q => 3,
            EcLevel::H => 2,
        }
    }
}

/// Error-correction codewords per block, by level (L, M, Q, H) and version 1..=40 (Table 9).
const ECC_PER_BLOCK: [[u8; 40]; 4] = [
    [
        7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30,
        30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30,
        30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Error-correction blocks, by level (L, M, Q, H) and version 1..=40 (Table 9).
const BLOCKS: [[u8; 40]; 4] = [
    [
        1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23,
        25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35,
        37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

/// Why data could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// More bytes than a version 40 symbol holds at the chosen level.
    TooLong {
        /// Bytes given.
        bytes: usize,
        /// Most bytes that fit.
        max: usize,
    },
    /// A forced data mask outside 0..=7.
    InvalidMask {
        /// The rejected mask number.
        mask: u8,
    },
}

impl QrError {
    /// The message in `lang` (from the `[qr]` section of the catalogue).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            QrError::TooLong { bytes, max } => {
                fill(Text::TooLong.get(lang), &[("bytes", bytes), ("max", max)])
            }
            QrError::InvalidMask { mask } => fill(Text::InvalidMask.get(lang), &[("mask", mask)]),
        }
    }

    /// The message for a Japanese page.
    pub fn message_ja(&self) -> String {
        self.message(Lang::Ja)
    }

    /// The message for an English page.
    pub fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_en())
    }
}

impl std::error::Error for QrError {}

/// A QR Code symbol: a square of dark and light modules, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrCode {
    /// Modules per side: 17 + 4 × version.
    pub size: usize,
    /// `size × size` modules row by row from the top left; `true` is dark.
    pub modules: Vec<bool>,
    /// The version, 1..=40.
    pub version: u8,
    /// The data mask pattern applied, 0..=7 (section 7.8.2).
    pub mask: u8,
}

impl QrCode {
    /// Encodes `data` in byte mode in the smallest version that holds it at level `ec`, with the
    /// data mask of lowest penalty (section 7.8.3).
    pub fn encode(data: &[u8], ec: EcLevel) -> Result<QrCode, QrError> {
        Self::encode_with_mask(data, ec, None)
    }

    /// As [`QrCode::encode`], with the data mask forced when `mask` is `Some` (for comparing
    /// with other encoders, whose penalty scoring differs in details).
    pub fn encode_with_mask(data: &[u8], ec: EcLevel, mask: Option<u8>) -> Result<QrCode, QrError> {
        if let Some(mask) = mask.filter(|m| *m > 7) {
            return Err(QrError::InvalidMask { mask });
        }
        let too_long = || QrError::TooLong {
            bytes: data.len(),
            max: max_bytes(40, ec),
        };
        let version = (1..=40)
            .find(|&v| data.len() <= max_bytes(v, ec))
            .ok_or_else(too_long)?;
        let capacity = data_codewords(version, ec);

        // Section 7.4: mode indicator, character count, data, terminator, padding.
        let mut bits = Bits::default();
        bits.push(0b0100, 4);
        bits.push(data.len(), if version <= 9 { 8 } else { 16 });
        for &byte in data {
            bits.push(usize::from(byte), 8);
        }
        bits.push(0, (capacity * 8).saturating_sub(bits.len).min(4));
        let mut codewords = bits.bytes;
        for pad in [0xEC, 0x11].into_iter().cycle() {
            if codewords.len() >= capacity {
                break;
            }
            codewords.push(pad);
        }

        let mut grid = Grid::new(version);
        grid.place(&interleave(&codewords, version, ec));
        let mask = mask.unwrap_or_else(|| {
            (0..8)
                .min_by_key(|&m| {
                    let mut trial = grid.dark.clone();
                    grid.apply_mask(&mut trial, m);
                    penalty(&trial, grid.size)
                })
                .unwrap_or(0)
        });
        let mut dark = core::mem::take(&mut grid.dark);
        grid.apply_mask(&mut dark, mask);
        grid.dark = dark;
        grid.draw_info(ec, mask, false);
        Ok(QrCode {
            size: grid.size,
            modules: grid.dark,
            version: version as u8,
            mask,
        })
    }

    /// Whether the module at column `x`, row `y` is dark; `false` outside the symbol.
    pub fn module(&self, x: usize, y: usize) -> bool {
        let index = (x < self.size && y < self.size)
            .then(|| y.checked_mul(self.size)?.checked_add(x))
            .flatten();
        index.and_then(|i| self.modules.get(i)) == Some(&true)
    }

    /// The symbol as an SVG document: a white square with a quiet zone of [`QUIET_ZONE`]
    /// modules and one `<path>` for the dark modules, `module_px` pixels per module.
    ///
    /// It has no text content and no `role`; the page adds `role="img"` and a label.
    pub fn to_svg(&self, module_px: u32) -> String {
        let side = self.size.saturating_add(2 * QUIET_ZONE);
        let px = side.saturating_mul(module_px as usize);
        let mut svg =
            String::with_capacity(self.modules.len().saturating_mul(3).saturating_add(200));
        svg.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#);
        push_number(&mut svg, side);
        svg.push(' ');
        push_number(&mut svg, side);
        svg.push_str(r#"" width=""#);
        push_number(&mut svg, px);
        svg.push_str(r#"" height=""#);
        push_number(&mut svg, px);
        svg.push_str(r#"" shape-rendering="crispEdges">"#);
        svg.push_str(r##"<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=""##);
        // One rectangle per horizontal run of dark modules: "M x y h n v1 H x z".
        for (y, row) in self.modules.chunks(self.size.max(1)).enumerate() {
            let mut x = 0;
            while x < row.len() {
                let run = row[x..].iter().take_while(|&&dark| dark).count();
                if run > 0 {
                    svg.push('M');
                    push_number(&mut svg, x + QUIET_ZONE);
                    svg.push(' ');
                    push_number(&mut svg, y + QUIET_ZONE);
                    svg.push('h');
                    push_number(&mut svg, run);
                    svg.push_str("v1H");
                    push_number(&mut svg, x + QUIET_ZONE);
                    svg.push('z');
                }
                x += run.max(1);
            }
        }
        svg.push_str(r#""/></svg>"#);
        svg
    }
}

/// Appends `n` in decimal, without `core::fmt`.
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0_u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// Modules available for data and error correction in `version` (all but function patterns
/// and format and version information).
fn raw_modules(version: usize) -> usize {
    let mut modules = (16 * version + 128) * version + 64;
    if version >= 2 {
        let align = version / 7 + 2;
        modules -= (25 * align - 10) * align - 55;
        if version >= 7 {
            modules -= 36;
        }
    }
    modules
}

/// Data codewords of `version` at level `ec` (Table 7).
fn data_codewords(version: usize, ec: EcLevel) -> usize {
    let table = |t: &[[u8; 40]; 4]| usize::from(t[ec as usize][version - 1]);
    raw_modules(version) / 8 - table(&ECC_PER_BLOCK) * table(&BLOCKS)
}

/// Most bytes a byte-mode segment can carry in `version` at level `ec`.
fn max_bytes(version: usize, ec: EcLevel) -> usize {
    let header = if version <= 9 { 12 } else { 20 };
    (data_codewords(version, ec) * 8 - header) / 8
}

/// A growing bit string, most significant bit first.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    /// Appends the low `count` bits of `value`.
    fn push(&mut self, value: usize, count: usize) {
        for i in (0..count).rev() {
            if self.len.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if let Some(last) = self.bytes.last_mut() {
                *last |= u8::from((value >> i) & 1 == 1) << (7 - self.len % 8);
            }
            self.len += 1;
        }
    }
}

/// Splits `data` into blocks, appends Reed–Solomon codewords to each, and interleaves them
/// (sections 7.5 and 7.6).
fn interleave(data: &[u8], version: usize, ec: EcLevel) -> Vec<u8> {
    let blocks = usize::from(BLOCKS[ec as usize][version - 1]);
    let ecc_len = usize::from(ECC_PER_BLOCK[ec as usize][version - 1]);
    let raw = raw_modules(version) / 8;
    let short_blocks = blocks - raw % blocks;
    let short_len = raw / blocks - ecc_len;
    let divisor = rs_divisor(ecc_len);
    let mut rest = data;
    let mut data_blocks = Vec::with_capacity(blocks);
    let mut ecc_blocks = Vec::with_capacity(blocks);
    for i in 0..blocks {
        let (block, tail) =
            rest.split_at((short_len + usize::from(i >= short_blocks)).min(rest.len()));
        rest = tail;
        ecc_blocks.push(rs_remainder(block, &divisor));
        data_blocks.push(block);
    }
    let mut out = Vec::with_capacity(raw);
    for i in 0..=short_len {
        out.extend(data_blocks.iter().filter_map(|b| b.get(i)));
    }
    for i in 0..ecc_len {
        out.extend(ecc_blocks.iter().filter_map(|b| b.get(i)));
    }
    out
}

/// Product in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1 (section 7.5).
fn gf_mul(x: u8, y: u8) -> u8 {
    let mut z: u16 = 0;
    for i in (0..8).rev() {
        z = (z << 1) ^ ((z >> 7) * 0x11D);
        z ^= u16::from((y >> i) & 1) * u16::from(x);
    }
    z as u8
}

/// The generator polynomial of `degree` (roots α^0..α^(degree-1)), highest term implied,
/// coefficients from the highest remaining power down.
fn rs_divisor(degree: usize) -> Vec<u8> {
    let mut poly = vec![0_u8; degree];
    if let Some(last) = poly.last_mut() {
        *last = 1;
    }
    let mut root = 1_u8;
    for _ in 0..degree {
        for j in 0..degree {
            let next = poly.get(j + 1).copied().unwrap_or(0);
            poly[j] = gf_mul(poly[j], root) ^ next;
        }
        root = gf_mul(root, 2);
    }
    poly
}

/// The remainder of `data` × x^degree divided by the generator: the error-correction codewords.
fn rs_remainder(data: &[u8], divisor: &[u8]) -> Vec<u8> {
    let mut rem = vec![0_u8; divisor.len()];
    for &byte in data {
        let factor = byte ^ rem.first().copied().unwrap_or(0);
        let shift = rem.len().min(1);
        rem.rotate_left(shift);
        if let Some(last) = rem.last_mut() {
            *last = 0;
        }
        for (r, &d) in rem.iter_mut().zip(divisor) {
            *r ^= gf_mul(d, factor);
        }
    }
    rem
}

/// The symbol under construction: modules and which of them are function patterns.
struct Grid {
    size: usize,
    dark: Vec<bool>,
    function: Vec<bool>,
}

impl Grid {
    /// A grid with finder, timing and alignment patterns drawn and format and version areas
    /// reserved (light, as they are while masks are scored).
    fn new(version: usize) -> Grid {
        let size = 17 + 4 * version;
        let mut grid = Grid {
            size,
            dark: vec![false; size * size],
            function: vec![false; size * size],
        };
        for i in 0..size {
            grid.set(6, i, i % 2 == 0);
            grid.set(i, 6, i % 2 == 0);
        }
        let far = size - 4;
        for (cx, cy) in [(3, 3), (far, 3), (3, far)] {
            grid.square(cx, cy, 4, |ring| ring != 2 && ring != 4);
        }
        // Alignment centres (section 6.3.6, Annex E), but not over the finder patterns.
        if version >= 2 {
            let count = version / 7 + 2;
            let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
            let centres: Vec<usize> = core::iter::once(6)
                .chain((0..count - 1).rev().map(|k| size - 7 - k * step))
                .collect();
            for &cx in &centres {
                for &cy in &centres {
                    let corner = |a: usize, b: usize| a == 6 && (b == 6 || b == size - 7);
                    if !corner(cx, cy) && !corner(cy, cx) {
                        grid.square(cx, cy, 2, |ring| ring != 1);
                    }
                }
            }
        }
        grid.draw_info(EcLevel::M, 0, true);
        grid
    }

    /// Sets a function module (ignored outside the grid).
    fn set(&mut self, x: usize, y: usize, dark: bool) {
        if x < self.size && y < self.size {
            let i = y * self.size + x;
            self.dark[i] = dark;
            self.function[i] = true;
        }
    }

    /// Draws the square of `radius` around (`cx`, `cy`); `dark(ring)` colours each ring.
    fn square(&mut self, cx: usize, cy: usize, radius: usize, dark: impl Fn(usize) -> bool) {
        for y in cy.saturating_sub(radius)..=cy + radius {
            for x in cx.saturating_sub(radius)..=cx + radius {
                self.set(x, y, dark(x.abs_diff(cx).max(y.abs_diff(cy))));
            }
        }
    }

    /// Draws the format information (section 7.9) and, from version 7, the version
    /// information (section 7.10), or reserves their modules as light when `reserve`.
    fn draw_info(&mut self, ec: EcLevel, mask: u8, reserve: bool) {
        let size = self.size;
        let data = ec.format_bits() << 3 | usize::from(mask);
        let format = if reserve {
            0
        } else {
            (data << 10 | bch(data, 0x537, 10)) ^ 0x5412
        };
        let bit = |i: usize| (format >> i) & 1 == 1;
        for i in 0..15 {
            // First copy around the top-left finder, second split between the other two.
            let (x, y) = match i {
                0..=5 => (8, i),
                6 => (8, 7),
                7 => (8, 8),
                8 => (7, 8),
                _ => (14 - i, 8),
            };
            self.set(x, y, bit(i));
            let (x, y) = if i < 8 {
                (size - 1 - i, 8)
            } else {
                (8, size - 15 + i)
            };
            self.set(x, y, bit(i));
        }
        self.set(8, size - 8, !reserve);
        let version = (size - 17) / 4;
        if version >= 7 {
            let bits = if reserve {
                0
            } else {
                version << 12 | bch(version, 0x1F25, 12)
            };
            for i in 0..18 {
                let (a, b) = (size - 11 + i % 3, i / 3);
                self.set(a, b, (bits >> i) & 1 == 1);
                self.set(b, a, (bits >> i) & 1 == 1);
            }
        }
    }

    /// Places the codewords in the two-module-wide zigzag of section 7.7.
    fn place(&mut self, codewords: &[u8]) {
        let size = self.size;
        let mut bits = codewords
            .iter()
            .flat_map(|&byte| (0..8).rev().map(move |i| (byte >> i) & 1 == 1));
        // Column pairs from the right; the vertical timing pattern (column 6) is skipped.
        let rights = (7..size).rev().step_by(2).chain([5, 3, 1]);
        for (pair, right) in rights.enumerate() {
            for vert in 0..size {
                let y = if pair % 2 == 0 { size - 1 - vert } else { vert };
                for x in [right, right - 1] {
                    let i = y * size + x;
                    if !self.function[i] {
                        // Remainder bits past the last codeword stay light (section 7.7).
                        self.dark[i] = bits.next().unwrap_or(false);
                    }
                }
            }
        }
    }

    /// Flips the data modules of `modules` selected by data mask `mask` (section 7.8.2, Table 10).
    fn apply_mask(&self, modules: &mut [bool], mask: u8) {
        for (i, module) in modules.iter_mut().enumerate() {
            let (y, x) = (i / self.size, i % self.size);
            let flip = match mask {
                0 => (x + y) % 2 == 0,
                1 => y % 2 == 0,
                2 => x % 3 == 0,
                3 => (x + y) % 3 == 0,
                4 => (x / 3 + y / 2) % 2 == 0,
                5 => x * y % 2 + x * y % 3 == 0,
                6 => (x * y % 2 + x * y % 3) % 2 == 0,
                _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
            };
            *module ^= flip && !self.function[i];
        }
    }
}

/// The BCH remainder of `data` × x^`degree` by `generator` (Annexes C and D).
fn bch(data: usize, generator: usize, degree: usize) -> usize {
    let mut rem = data;
    for _ in 0..degree {
        rem = (rem << 1) ^ ((rem >> (degree - 1)) * generator);
    }
    rem
}

/// The penalty score of a masked symbol (section 7.8.3, Table 11), scored with format and
/// version areas light, as the segno encoder does: runs of five or more (N1), 2 × 2 blocks
/// (N2), finder-like 1:1:3:1:1 patterns beside four light modules (N3, outside counts as
/// light), and the dark/light balance (N4).
fn penalty(modules: &[bool], size: usize) -> usize {
    let mut score = 0;
    let mut column = vec![false; size];
    for (i, row) in modules.chunks(size).enumerate() {
        for (j, cell) in column.iter_mut().enumerate() {
            *cell = modules[j * size + i];
        }
        for line in [row, column.as_slice()] {
            score += runs_penalty(line) + finder_penalty(line);
        }
    }
    for y in 1..size {
        for x in 1..size {
            let at = |dx: usize, dy: usize| modules[(y - dy) * size + x - dx];
            if at(0, 0) == at(1, 0) && at(0, 0) == at(0, 1) && at(0, 0) == at(1, 1) {
                score += 3;
            }
        }
    }
    let total = modules.len().max(1);
    let dark = modules.iter().filter(|&&m| m).count();
    score + 10 * ((20 * dark).abs_diff(10 * total) / total)
}

/// N1: 3 + (length - 5) for every run of five or more modules of one colour.
fn runs_penalty(line: &[bool]) -> usize {
    line.chunk_by(|a, b| a == b)
        .map(|run| if run.len() >= 5 { run.len() - 2 } else { 0 })
        .sum()
}

/// N3: 40 for every dark-light-dark-dark-dark-light-dark run with four light modules before or
/// after it; the search resumes after a counted pattern, or at its centre otherwise.
fn finder_penalty(line: &[bool]) -> usize {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let light = |from: usize, to: usize| line[from..to.min(line.len())].iter().all(|&m| !m);
    let mut score = 0;
    let mut from = 0;
    while let Some(at) = line
        .get(from..)
        .and_then(|rest| rest.windows(7).position(|w| w == PATTERN))
    {
        let at = from + at;
        if light(at.saturating_sub(4), at) || light(at + 7, at + 11) {
            score += 40;
            from = at + 7;
        } else {
            from = at + 4;
        }
    }
    score
}
