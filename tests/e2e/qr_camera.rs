//! QR from the camera in a real browser (issue 20): Chromium's fake camera plays a video of a
//! QR code drawn by the token's own encoder; "scan with the camera" imports it like a picture,
//! then the camera stops (its tracks ended, the preview hidden).

use std::time::Duration;

use webtoken_engine::Params;
use webtoken_token::otpauth::KeyUri;
use webtoken_token::qr::{EcLevel, QUIET_ZONE, QrCode};

use crate::bank::press;
use crate::harness::{Browser, is_grouped_token_id};
use crate::token::{click, open_details, ready, script, shown_code_matches};

const WAIT: Duration = Duration::from_secs(20);
const URI: &str =
    "otpauth://totp/Camera:carol@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Camera";

/// A few frames of a 640x480 YUV4MPEG2 video (4:2:0, grey chroma) of `text`'s QR code, 8
/// pixels a module, in the middle of a white frame.
fn y4m_of(text: &str) -> Vec<u8> {
    let (width, height, scale) = (640, 480, 8);
    let code = QrCode::encode(text.as_bytes(), EcLevel::M).expect("a QR code");
    let side = (code.size + 2 * QUIET_ZONE) * scale;
    assert!(side <= height, "the code fits the frame");
    let (left, top) = ((width - side) / 2, (height - side) / 2);
    let mut luma = vec![255u8; width * height];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= QUIET_ZONE
                && my >= QUIET_ZONE
                && mx - QUIET_ZONE < code.size
                && my - QUIET_ZONE < code.size
                && code.module(mx - QUIET_ZONE, my - QUIET_ZONE);
            if dark {
                luma[(top + y) * width + left + x] = 0;
            }
        }
    }
    let mut video = format!("YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..5 {
        video.extend_from_slice(b"FRAME\n");
        video.extend_from_slice(&luma);
        video.resize(video.len() + width * height / 2, 128);
    }
    video
}

/// "Scan with the camera", with a fake camera showing a QR code: the token is imported with
/// the code's secret, and the camera is stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_camera_reads_a_qr_code_imports_it_and_stops() {
    let dir = std::env::temp_dir().join(format!("webtoken-e2e-camera-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let video = dir.join("qr.y4m");
    std::fs::write(&video, y4m_of(URI)).expect("write the video");
    let browser = Browser::start_with_args(&[
        "--use-fake-device-for-media-stream".to_owned(),
        "--use-fake-ui-for-media-stream".to_owned(),
        format!("--use-file-for-fake-video-capture={}", video.display()),
    ])
    .await;
    browser.open("/").await;
    browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(&browser).await;
    let key = KeyUri::parse(URI).expect("a valid Key URI");

    open_details(&browser, "ImportTitle").await;
    let shown = script(
        &browser,
        "const b = document.querySelector('[data-testid=\"token-import-camera\"]');\
         return [b.hidden, b.textContent, \
           document.querySelector('[data-testid=\"token-import-camera-view\"]').hidden];",
    )
    .await;
    assert_eq!(
        shown,
        serde_json::json!([false, "カメラで読み取る", true]),
        "the button shows where the browser offers a camera; the preview is hidden"
    );
    // Count the tracks the page opens and ends.
    script(
        &browser,
        "window.__tracks = [];\
         const get = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);\
         navigator.mediaDevices.getUserMedia = async c => {\
           const s = await get(c); window.__tracks.push(...s.getTracks()); return s; };\
         return null;",
    )
    .await;
    click(&browser, "token-import-camera").await;
    let message = browser
        .wait_text("token-message", WAIT, |m| m.contains("読み込みました"))
        .await;
    assert!(!message.contains("カメラ"), "{message:?}");
    browser
        .wait_text("token-id", WAIT, |t| t == key.account)
        .await;
    ready(&browser).await;
    shown_code_matches(&browser, &key.secret, &Params::default()).await;

    let stopped = script(
        &browser,
        "return [window.__tracks.length > 0 && window.__tracks.every(t => t.readyState === 'ended'),\
           document.querySelector('[data-testid=\"token-import-camera-view\"]').hidden,\
           document.querySelector('[data-testid=\"token-import-camera-video\"]').srcObject === null];",
    )
    .await;
    assert_eq!(
        stopped,
        serde_json::json!([true, true, true]),
        "every track ended, the preview hidden"
    );
    let console = browser.console().await;
    assert!(
        !console
            .iter()
            .any(|l| l.contains("Content Security Policy")),
        "{console:?}"
    );
    browser.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// "Stop" ends the camera before any code is read, and nothing changes; a refused
/// permission is said (here in English), and nothing changes either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_the_camera_and_a_refusal_is_said() {
    let browser = Browser::start_with_args(&[
        "--use-fake-device-for-media-stream".to_owned(),
        "--use-fake-ui-for-media-stream".to_owned(),
    ])
    .await;
    browser.open("/").await;
    let before = browser
        .wait_text("token-id", WAIT, is_grouped_token_id)
        .await;
    ready(&browser).await;
    open_details(&browser, "ImportTitle").await;
    click(&browser, "token-import-camera").await;
    // The fake camera's own pattern holds no QR code: the preview stays until "Stop".
    let mut live = serde_json::Value::Null;
    for _ in 0..100 {
        live = script(
            &browser,
            "const v = document.querySelector('[data-testid=\"token-import-camera-video\"]');\
             return v.srcObject !== null && v.videoWidth > 0;",
        )
        .await;
        if live == serde_json::Value::Bool(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(live, serde_json::Value::Bool(true), "the preview plays");
    browser
        .screenshot_of("token-import-camera-view", "qr-camera-live")
        .await;
    click(&browser, "token-import-camera-stop").await;
    let stopped = script(
        &browser,
        "const v = document.querySelector('[data-testid=\"token-import-camera-video\"]');\
         return [v.srcObject === null,\
           document.querySelector('[data-testid=\"token-import-camera-view\"]').hidden];",
    )
    .await;
    assert_eq!(stopped, serde_json::json!([true, true]));
    assert_eq!(browser.text("token-id").await, before);

    // In English, a refused permission says so, and nothing else changes.
    press(&browser, "English").await;
    let labels = script(
        &browser,
        "return ['token-import-camera', 'token-import-camera-stop'].map(t =>           document.querySelector('[data-testid=\"' + t + '\"]').textContent);",
    )
    .await;
    assert_eq!(labels, serde_json::json!(["Scan with the camera", "Stop"]));
    script(
        &browser,
        "navigator.mediaDevices.getUserMedia = () =>           Promise.reject(new DOMException('denied', 'NotAllowedError'));         return null;",
    )
    .await;
    click(&browser, "token-import-camera").await;
    let message = browser
        .wait_text("token-message", WAIT, |m| m.contains("camera"))
        .await;
    assert!(message.contains("was not allowed"), "{message:?}");
    let hidden = script(
        &browser,
        "return document.querySelector('[data-testid=\"token-import-camera-view\"]').hidden;",
    )
    .await;
    assert_eq!(hidden, serde_json::Value::Bool(true));
    assert_eq!(browser.text("token-id").await, before);
    browser.close().await;
}
