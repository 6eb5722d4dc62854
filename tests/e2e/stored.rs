//! Issue 18's "one bad entry costs one entry" for the bank's customers and the token service's
//! credentials: a signed-in staff member removes one unreadable stored entry at a time.

use std::time::Duration;

use fantoccini::Locator;

use crate::bank::{ANSWER, CONTRACT, PASSWORD, bounded, login, press, staff_sign_in, wait_screen};
use crate::harness::Browser;
use crate::token::script;

/// Damages one stored customer (the second demo customer: its password hash is not hex) and
/// one stored credential (the first that is not the staff member's, `arguments[0]`: its secret
/// is not Base32), the credential re-sealed under the service's own device key as the page
/// seals it (the key cannot be exported, but the page's script may use it). Answers the
/// damaged contract ID and Token ID.
const DAMAGE: &str = r#"
const [staffToken, done] = [arguments[0], arguments[arguments.length - 1]];
const enc = new TextEncoder();
const b64 = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')
    + '='.repeat((4 - s.length % 4) % 4)), c => c.charCodeAt(0));
const unb64 = b => btoa(Array.from(b, c => String.fromCharCode(c)).join(''))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const asked = r => new Promise((ok, no) => { r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
(async () => {
    const bankKey = 'webtoken.bank.customers';
    const [, bankJson, bankVersion] = localStorage.getItem(bankKey).match(/^([\s\S]*\})(~\d+)?$/);
    const bank = JSON.parse(bankJson);
    const customer = bank.customers[1];
    customer.password.hash = 'not hex';
    localStorage.setItem(bankKey, JSON.stringify(bank) + (bankVersion || ''));

    const recordKey = 'webtoken.service.records';
    const stored = localStorage.getItem(recordKey);
    const cut = stored.lastIndexOf('~');
    const [envelope, version] = [stored.slice(0, cut), stored.slice(cut + 1)];
    const fields = envelope.split('.');
    const header = fields.slice(0, 5).join('.');
    const aad = new Uint8Array([...enc.encode('token-service.v' + version), 0, ...enc.encode(header)]);
    const db = await asked(indexedDB.open('webtoken-keys'));
    const device = await asked(db.transaction('keys').objectStore('keys').get('webtoken.service.device-key'));
    const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: b64(fields[5]), additionalData: aad }, device.key, b64(fields[6]));
    const records = JSON.parse(new TextDecoder().decode(plain));
    const credential = records.credentials.find(c => c.state.token_id !== staffToken);
    credential.secret = 'not base32!';
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad }, device.key, enc.encode(JSON.stringify(records))));
    localStorage.setItem(recordKey, `${header}.${unb64(iv)}.${unb64(sealed)}~${version}`);
    done({ contract: customer.contract_id, token: credential.state.token_id });
})().catch(e => done({ error: String(e) }));
"#;

/// The names of the removable stored entries shown.
async fn entries(browser: &Browser) -> Vec<String> {
    let names = script(
        browser,
        "return Array.from(document.querySelectorAll('[data-testid=\"bank-stored-entry\"] > span'), e => e.textContent);",
    )
    .await;
    serde_json::from_value(names).expect("a list of names")
}

/// Waits until `count` entries are offered for removal.
async fn wait_entries(browser: &Browser, count: usize) -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let shown = entries(browser).await;
        if shown.len() == count {
            return shown;
        }
        assert!(started.elapsed() < ANSWER, "{shown:?}, not {count} entries");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element with this `data-testid` (the first, when there are several).
async fn click(browser: &Browser, testid: &str) {
    browser
        .client
        .find(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
        .await
        .unwrap_or_else(|e| panic!("no [data-testid={testid}]: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {testid}: {e}"));
}

/// A damaged customer and a damaged credential are both listed to a signed-in staff member
/// (and offered to nobody else); removing the credential asks first, naming its Token ID,
/// removes it alone (gone after a reload, the customer still listed), and the good customers
/// still sign in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_remove_one_unreadable_stored_entry_at_a_time() {
    bounded(async {
        let browser = crate::token::open_ready().await;
        let staff = webtoken_bank::staff::demo_staff_token();
        let damaged = browser
            .client
            .execute_async(DAMAGE, vec![staff.as_str().into()])
            .await
            .expect("damage the stored records");
        assert!(damaged.get("error").is_none(), "{damaged}");
        let contract = damaged["contract"].as_str().unwrap().to_owned();
        let token = damaged["token"].as_str().unwrap().to_owned();
        let grouped = webtoken_engine::token_id::TokenId::parse(&token)
            .expect("a Token ID")
            .grouped();

        browser.open("/").await;
        wait_screen(&browser, "login").await;
        press(&browser, "窓口担当者用ページ").await;
        wait_screen(&browser, "staff-signin").await;
        assert!(entries(&browser).await.is_empty(), "offered signed out");
        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        staff_sign_in(&browser).await;
        let shown = wait_entries(&browser, 2).await;
        assert!(shown[0].contains(&grouped), "{shown:?}");
        assert!(shown[1].contains(&contract), "{shown:?}");
        browser.screenshot("bank-stored-records").await;

        click(&browser, "bank-remove-record").await;
        let question = browser
            .wait_text("bank-stored", ANSWER, |t| t.contains("削除します"))
            .await;
        assert!(question.contains(&grouped), "{question}");
        browser.screenshot("bank-stored-remove-question").await;
        click(&browser, "bank-remove-yes").await;
        browser
            .wait_text("bank-info", ANSWER, |t| t.contains("削除しました"))
            .await;
        assert_eq!(wait_entries(&browser, 1).await, vec![shown[1].clone()]);

        // After a reload: the credential is gone, the customer still listed.
        browser.open("/").await;
        wait_screen(&browser, "login").await;
        staff_sign_in(&browser).await;
        assert_eq!(wait_entries(&browser, 1).await, vec![shown[1].clone()]);
        press(&browser, "サインアウト").await;
        wait_screen(&browser, "login").await;

        // A good customer still signs in.
        assert_ne!(contract, CONTRACT);
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "signed-in").await;
        browser.close().await;
    })
    .await;
}
