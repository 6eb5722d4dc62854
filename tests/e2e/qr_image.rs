//! QR from an image in a real browser (issue 20): a PNG of the page's own export QR code,
//! chosen in `token-import-image` or pasted into the import field, is read by the core and
//! imported like the field's text.

use std::time::Duration;

use webtoken_engine::Params;
use webtoken_token::otpauth::KeyUri;

use crate::harness::Browser;
use crate::token::{click, open_details, open_ready, ready, script, shown_code_matches};

const WAIT: Duration = Duration::from_secs(20);

/// Shows the active token's export and returns its URI and its QR code drawn as a PNG (the
/// export's SVG `<img>` drawn on a canvas), then hides it.
async fn export_png(browser: &Browser) -> (String, Vec<u8>) {
    open_details(browser, "ManageTitle").await;
    click(browser, "token-export").await;
    click(browser, "token-export-show").await;
    let uri = browser
        .wait_text("token-export-uri", WAIT, |t| t.starts_with("otpauth://"))
        .await;
    let mut png = serde_json::Value::Null;
    for _ in 0..50 {
        png = script(
            browser,
            "const i = document.querySelector('[data-testid=\"token-export-qr\"]');\
             if (!i || !i.complete || !i.naturalWidth) { return null; }\
             const c = document.createElement('canvas');\
             c.width = i.naturalWidth * 2; c.height = i.naturalHeight * 2;\
             c.getContext('2d').drawImage(i, 0, 0, c.width, c.height);\
             return Array.from(atob(c.toDataURL('image/png').split(',')[1]), ch => ch.charCodeAt(0));",
        )
        .await;
        if !png.is_null() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let png: Vec<u8> = serde_json::from_value(png).expect("the export's QR code drawn as a PNG");
    click(browser, "token-export-hide").await;
    (uri, png)
}

/// Deletes the active token (so that its import is not a duplicate).
async fn delete_active(browser: &Browser) {
    click(browser, "token-delete").await;
    click(browser, "token-delete-yes").await;
    browser
        .wait_text("token-message", WAIT, |m| m.contains("削除しました"))
        .await;
    ready(browser).await;
}

/// Writes `png` to a temporary file and chooses it in the picture input.
async fn choose_picture(browser: &Browser, name: &str, png: &[u8]) {
    let dir = std::env::temp_dir().join(format!("webtoken-e2e-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join(name);
    std::fs::write(&path, png).expect("write the picture");
    open_details(browser, "ImportTitle").await;
    browser
        .client
        .find(fantoccini::Locator::Css(
            "[data-testid=\"token-import-image\"]",
        ))
        .await
        .expect("the picture input")
        .send_keys(path.to_str().expect("a UTF-8 path"))
        .await
        .expect("choose the picture");
}

/// The export's QR code, as a PNG chosen in the picture input, imports the token again: the
/// same Token ID and the same codes as the original.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_png_of_the_exported_qr_code_imports_the_token() {
    let browser = open_ready().await;
    let token_id = browser.text("token-id").await;
    let (uri, png) = export_png(&browser).await;
    let key = KeyUri::parse(&uri).expect("the export is a valid Key URI");
    delete_active(&browser).await;
    assert_ne!(browser.text("token-id").await, token_id);

    choose_picture(&browser, "exported-qr.png", &png).await;
    let message = browser
        .wait_text("token-message", WAIT, |m| m.contains("読み込みました"))
        .await;
    assert!(!message.contains("見つかりません"), "{message:?}");
    browser
        .wait_text("token-id", WAIT, |t| t == key.account)
        .await;
    ready(&browser).await;
    shown_code_matches(&browser, &key.secret, &Params::default()).await;
    // At 360 px the picture input and its label stay inside the page.
    browser
        .client
        .set_window_size(360, 900)
        .await
        .expect("resize");
    let inside = script(
        &browser,
        "const i = document.querySelector('[data-testid=\"token-import-image\"]');\
         const l = document.querySelector('label[for=\"token-import-image\"]');\
         i.scrollIntoView({ block: 'center' });\
         const w = document.documentElement.clientWidth;\
         return i.getBoundingClientRect().right <= w && l.getBoundingClientRect().right <= w\
           && document.documentElement.scrollWidth <= w;",
    )
    .await;
    assert_eq!(
        inside,
        serde_json::Value::Bool(true),
        "no overflow at 360 px"
    );
    browser.screenshot("qr-image-360").await;
    browser.close().await;
}

/// A picture pasted into the import field is read the same way; a picture with no QR code
/// says so in the page's language, and nothing is imported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_picture_imports_and_a_picture_without_a_code_is_refused() {
    let browser = open_ready().await;
    let (uri, png) = export_png(&browser).await;
    let key = KeyUri::parse(&uri).expect("the export is a valid Key URI");
    delete_active(&browser).await;

    // A blank picture: a clear message, the list unchanged.
    let blank = script(
        &browser,
        "const c = document.createElement('canvas'); c.width = 120; c.height = 80;\
         const x = c.getContext('2d'); x.fillStyle = '#fff'; x.fillRect(0, 0, 120, 80);\
         return Array.from(atob(c.toDataURL('image/png').split(',')[1]), ch => ch.charCodeAt(0));",
    )
    .await;
    let blank: Vec<u8> = serde_json::from_value(blank).expect("a PNG");
    let before = browser.text("token-id").await;
    choose_picture(&browser, "blank.png", &blank).await;
    let message = browser
        .wait_text("token-message", WAIT, |m| m.contains("QRコード"))
        .await;
    assert!(message.contains("見つかりませんでした"), "{message:?}");
    assert_eq!(browser.text("token-id").await, before);

    // The export's PNG pasted into the import field (a paste event holding the file).
    let pasted = browser
        .client
        .execute(
            "const bytes = new Uint8Array(arguments[0]);\
             const dt = new DataTransfer();\
             dt.items.add(new File([bytes], 'qr.png', { type: 'image/png' }));\
             const field = document.querySelector('[data-testid=\"token-import-input\"]');\
             const e = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });\
             field.dispatchEvent(e);\
             return e.defaultPrevented;",
            vec![serde_json::json!(png)],
        )
        .await
        .expect("paste");
    assert_eq!(
        pasted,
        serde_json::Value::Bool(true),
        "the page took the picture"
    );
    browser
        .wait_text("token-id", WAIT, |t| t == key.account)
        .await;
    ready(&browser).await;
    shown_code_matches(&browser, &key.secret, &Params::default()).await;
    browser.close().await;
}
