//! Issue 18: no answer without a durable write, seen as the customer sees it.

use crate::bank::{
    ANSWER, PASSWORD, bounded, digits, login, next_code, open, press, register, type_into,
    wait_message, wait_screen,
};
use crate::token::script;

/// The bank's message when the browser could not save (`ErrNotSaved` in the catalogue).
const NOT_SAVED: &str = "ブラウザに保存できなかったため、何も変更されていません。空き容量を確保するか、このサイトのデータ保存を許可してから、もう一度お試しください。";

/// Makes every `localStorage` write of this page throw as a full storage does, until reload.
const REFUSE_WRITES: &str = "Storage.prototype.setItem = function () { \
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); }; \
    return true;";

/// With storage refusing writes after registration, a fresh code does not sign in: it is
/// refused with the message that nothing was saved, the token still shows its codes, and after
/// a reload (storage working again) the same code signs in once: nothing was spent unsaved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_that_cannot_be_saved_is_refused_and_spends_nothing() {
    bounded(async {
        let browser = open().await;
        let spent = register(&browser, None).await;
        assert_eq!(script(&browser, REFUSE_WRITES).await, true);

        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        let fresh = next_code(&browser, &spent).await;
        type_into(&browser, "ワンタイムパスワード", &fresh).await;
        press(&browser, "確認").await;
        wait_message(&browser, "bank-error", NOT_SAVED).await;
        assert_eq!(crate::bank::screen(&browser).await, "login-code");
        browser.screenshot("bank-not-saved").await;
        // The token goes on showing codes: its list is read, not written.
        let shown = browser
            .wait_text("token-code", ANSWER, |c| digits(c).len() == 6)
            .await;
        assert_eq!(digits(&shown).len(), 6);

        // Storage works again after a reload: the refused code was never spent.
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        type_into(&browser, "ワンタイムパスワード", &fresh).await;
        press(&browser, "確認").await;
        wait_screen(&browser, "signed-in").await;
        browser.close().await;
    })
    .await;
}
