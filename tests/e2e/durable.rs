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

/// The issue-18 import: an account of 900 `é`, percent-encoded (5.4 KB, over the input's
/// limit) and typed raw (1.8 KB in, but 5.4 KB as stored): both refused with a message that
/// says why, and the token already in the list keeps its code, across a reload too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_too_long_to_store_is_refused_and_the_others_keep_their_codes() {
    let browser = crate::token::open_ready().await;
    let id = browser.text("token-id").await;
    crate::token::open_details(&browser, "ImportTitle").await;
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    for (account, says) in [
        ("%C3%A9".repeat(900), "URIが長すぎます"),
        ("é".repeat(900), "このトークンは保存できません"),
    ] {
        let uri = format!("otpauth://totp/{account}?secret={secret}");
        browser
            .client
            .execute(
                "document.querySelector('[data-testid=\"token-import-input\"]').value = arguments[0];",
                vec![serde_json::Value::String(uri)],
            )
            .await
            .expect("fill the import field");
        crate::token::click(&browser, "token-import").await;
        let message = browser
            .wait_text("token-message", ANSWER, |m| m.contains(says))
            .await;
        assert!(!message.contains(secret), "{message}");
        assert_eq!(browser.text("token-id").await, id, "the token shown stays");
        let code = browser.text("token-code").await;
        assert_eq!(digits(&code).len(), 6, "{code:?}");
    }
    browser.client.refresh().await.expect("reload");
    browser
        .wait_text("token-code", ANSWER, |c| digits(c).len() == 6)
        .await;
    assert_eq!(browser.text("token-id").await, id);
    browser.close().await;
}

/// The token service saves a registration but the bank cannot save the contract's binding:
/// the customer is told nothing was changed, not that the registration is done, and after a
/// reload the contract still signs in without a code (it is not registered).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_the_bank_cannot_save_is_not_reported_done() {
    bounded(async {
        let browser = open().await;
        let refuse_bank = "const set = Storage.prototype.setItem; \
            Storage.prototype.setItem = function (k, v) { \
              if (k === 'webtoken.bank.customers') { \
                throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); } \
              return set.call(this, k, v); }; return true;";
        assert_eq!(script(&browser, refuse_bank).await, true);
        press(&browser, "ワンタイムパスワードの利用登録はこちら").await;
        wait_screen(&browser, "registration-credentials").await;
        crate::bank::credentials(&browser, crate::bank::CONTRACT, PASSWORD, "次へ").await;
        wait_screen(&browser, "registration-details").await;
        let id = crate::bank::token_id(&browser).await;
        let code = crate::bank::current_code(&browser).await;
        type_into(&browser, "トークンID", &id).await;
        type_into(&browser, "ワンタイムパスワード", &code).await;
        press(&browser, "登録").await;
        wait_message(&browser, "bank-error", NOT_SAVED).await;
        assert_eq!(crate::bank::screen(&browser).await, "registration-details");

        browser.open("/").await;
        wait_screen(&browser, "login").await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;
        browser.close().await;
    })
    .await;
}

/// The token service's records as they were before a code was spent, put back in
/// `localStorage` in place of the newer ones (as someone who wants to reuse the code would):
/// after a reload the spent code does not sign in, and the staff page says, in Japanese and in
/// English, that the records are an older copy and nothing is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_service_record_put_back_accepts_nothing_and_staff_are_told() {
    bounded(async {
        let browser = open().await;
        let spent = register(&browser, None).await;
        let older = script(
            &browser,
            "return localStorage.getItem('webtoken.service.records');",
        )
        .await;
        let older = older
            .as_str()
            .expect("the service's records are stored")
            .to_owned();

        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        let fresh = next_code(&browser, &spent).await;
        type_into(&browser, "ワンタイムパスワード", &fresh).await;
        press(&browser, "確認").await;
        wait_screen(&browser, "signed-in").await;

        browser
            .client
            .execute(
                "localStorage.setItem('webtoken.service.records', arguments[0]);",
                vec![older.into()],
            )
            .await
            .expect("put the older records back");
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        // Told at once, before anyone tries a code.
        press(&browser, "窓口担当者用ページ").await;
        wait_screen(&browser, "staff-signin").await;
        let said = stored_records_row(&browser, "保存記録").await;
        assert!(said.contains("古い版に戻されています"), "{said}");
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;

        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        type_into(&browser, "ワンタイムパスワード", &fresh).await;
        press(&browser, "確認").await;
        wait_message(&browser, "bank-error", NOT_SAVED).await;
        assert_eq!(crate::bank::screen(&browser).await, "login-code");

        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        press(&browser, "窓口担当者用ページ").await;
        wait_screen(&browser, "staff-signin").await;
        let now = browser.now_seconds().await;
        let staff_code = webtoken_engine::totp(
            &webtoken_bank::staff::demo_staff_secret(),
            now,
            &webtoken_engine::Params::default(),
        )
        .expect("a code");
        let shown =
            crate::bank::staff_try(&browser, webtoken_bank::staff::DEMO_STAFF.1, &staff_code).await;
        assert_eq!(
            shown, "staff-signin",
            "nothing is accepted, the staff's code neither"
        );
        let said = stored_records_row(&browser, "保存記録").await;
        assert!(said.contains("古い版に戻されています"), "{said}");
        browser.screenshot("staff-records-rolled-back").await;
        press(&browser, "English").await;
        let said = stored_records_row(&browser, "Stored records").await;
        assert!(
            said.contains("older copy") && said.contains("nothing in them is used"),
            "{said}"
        );
        browser.close().await;
    })
    .await;
}

/// The value of the bank's row labelled `label`, once it shows.
async fn stored_records_row(browser: &crate::harness::Browser, label: &str) -> String {
    let xpath = format!(
        "//section[@data-testid='bank']//div[@class='bank-row'][dt[normalize-space()='{label}']]/dd"
    );
    let started = std::time::Instant::now();
    loop {
        let found = browser
            .client
            .execute(
                "const n = document.evaluate(arguments[0], document, null, \
                 XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; \
                 return n === null ? null : n.innerText;",
                vec![xpath.clone().into()],
            )
            .await
            .expect("read the row");
        if let Some(text) = found.as_str() {
            return text.trim().to_owned();
        }
        assert!(started.elapsed() < ANSWER, "no row labelled {label}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
