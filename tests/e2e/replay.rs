//! The replayed-code alert (issue 20 item 7), in the real page: a code already used, typed at
//! login, tells the customer that someone else may have seen it, and the staff record shows the
//! same event with the same warning.

use crate::bank::{
    PASSWORD, SPENT, bounded, login, open, press, register, staff_lookup, type_into, wait_audit,
    wait_message, wait_screen,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_code_at_login_alerts_the_customer_and_the_staff_record() {
    bounded(async {
        let browser = open().await;
        let spent = register(&browser, None).await;
        login(&browser, PASSWORD).await;
        wait_screen(&browser, "login-code").await;
        type_into(&browser, "ワンタイムパスワード", &spent).await;
        press(&browser, "確認").await;
        wait_message(&browser, "bank-error", SPENT).await;
        assert!(SPENT.contains("他の人に見られた可能性があります"));
        browser.screenshot("replay-login-alert").await;

        press(&browser, "ログイン画面に戻る").await;
        wait_screen(&browser, "login").await;
        staff_lookup(&browser).await;
        wait_audit(&browser, |l| {
            l.starts_with("認証失敗 |") && l.contains("他の人に見られた可能性があります")
        })
        .await;
        browser.close().await;
    })
    .await;
}
