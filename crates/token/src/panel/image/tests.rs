#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::panel::PanelView;
use crate::qr::{EcLevel, QUIET_ZONE, QrCode};
use crate::wallet::{Wallet, WalletOp};

const URI: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";
const NOW: u64 = 1_764_806_400;

fn ready() -> Panel {
    let mut panel = Panel::new(Wallet::new());
    assert!(send(&mut panel, Message::Done(Wallet::new(), None)).is_empty());
    panel
}

fn send(panel: &mut Panel, message: Message) -> Vec<Effect> {
    panel.update(message, NOW, Lang::En, &Storage::default())
}

fn view(panel: &Panel) -> PanelView {
    panel.view(NOW, Lang::En, &Storage::default())
}

/// The QR codes of `texts` side by side, 3 pixels a module, as opaque RGBA.
pub(crate) fn picture(texts: &[&str]) -> ImageMessage {
    let codes: Vec<QrCode> = (texts.iter())
        .map(|t| QrCode::encode(t.as_bytes(), EcLevel::M).unwrap())
        .collect();
    let side = codes.iter().map(|c| c.size).max().unwrap() + 2 * QUIET_ZONE;
    let (width, height) = (side * codes.len() * 3, side * 3);
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            let (code, mx, my) = (&codes[x / 3 / side], x / 3 % side, y / 3);
            let dark = mx >= QUIET_ZONE
                && my >= QUIET_ZONE
                && code.module(mx - QUIET_ZONE, my - QUIET_ZONE);
            rgba.extend_from_slice(if dark { &[0, 0, 0, 255] } else { &[255; 4] });
        }
    }
    ImageMessage::Pixels {
        width: width as u32,
        height: height as u32,
        rgba: Zeroizing::new(rgba),
    }
}

#[test]
fn a_picture_of_one_uri_imports_it_like_the_field() {
    let mut panel = ready();
    let effects = send(&mut panel, Message::Image(picture(&[URI])));
    let [
        Effect::Clear(_),
        Effect::Apply(WalletOp::Add { label, key, .. }, Some(done)),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(
        (label.as_str(), *done),
        ("Example", Text::ImportedShortSecret)
    );
    assert_eq!(key.account, "alice@example.com");
}

#[test]
fn a_picture_of_several_codes_imports_each_with_a_report() {
    let other = "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Other";
    let mut panel = ready();
    let effects = send(&mut panel, Message::Image(picture(&[URI, other])));
    let [Effect::Clear(_), Effect::ImportMany(items)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|item| item.op.is_ok()));
}

#[test]
fn a_picture_without_a_code_says_so_and_starts_nothing() {
    let mut panel = ready();
    let blank = ImageMessage::Pixels {
        width: 50,
        height: 40,
        rgba: Zeroizing::new(vec![255; 50 * 40 * 4]),
    };
    assert!(send(&mut panel, Message::Image(blank)).is_empty());
    let shown = view(&panel);
    assert!(shown.message_error);
    assert!(shown.message.contains("No QR code"), "{}", shown.message);
    assert_eq!(panel.activity(), Activity::Ready);

    assert!(send(&mut panel, Message::Image(ImageMessage::NotAnImage)).is_empty());
    assert!(view(&panel).message.contains("as a picture"));
    let ja = panel.view(NOW, Lang::Ja, &Storage::default()).message;
    assert!(ja.contains("画像"), "{ja}");
}

#[test]
fn a_picture_while_work_runs_is_refused_with_a_word() {
    let mut panel = ready();
    assert!(!send(&mut panel, Message::New).is_empty());
    assert!(send(&mut panel, Message::Image(picture(&[URI]))).is_empty());
    assert!(view(&panel).message.contains("busy"));
}

#[test]
fn pixels_never_show_in_debug() {
    let shown = format!("{:?}", Message::Image(picture(&[URI])));
    assert!(
        shown.contains("Pixels(") && !shown.contains("255"),
        "{shown}"
    );
}

#[test]
fn codes_read_by_the_camera_import_like_a_picture() {
    let mut panel = ready();
    let read = ImageMessage::Read(Zeroizing::new(vec![URI.to_owned()]));
    let effects = send(&mut panel, Message::Image(read));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Clear(_), Effect::Apply(WalletOp::Add { .. }, _)]
        ),
        "{effects:?}"
    );
    let shown = format!(
        "{:?}",
        Message::Image(ImageMessage::Read(Zeroizing::new(vec![URI.to_owned()])))
    );
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn a_camera_problem_is_said_in_both_languages() {
    let mut panel = ready();
    let problem = ImageMessage::Problem(Text::CameraDenied);
    assert!(send(&mut panel, Message::Image(problem)).is_empty());
    let shown = view(&panel);
    assert!(shown.message_error);
    assert!(
        shown.message.contains("camera was not allowed"),
        "{}",
        shown.message
    );
    let ja = panel.view(NOW, Lang::Ja, &Storage::default()).message;
    assert!(ja.contains("カメラ"), "{ja}");
    assert_eq!(panel.activity(), Activity::Ready);
}
