//! The wording of the bank section's frame: what the shell itself says (storage, reset, the
//! language toggle's surroundings). The screens' wording is the bank's own catalogue,
//! [`crate::bank::text`].

use crate::bank::Lang;

/// One phrase of the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// The bar above the screens.
    Heading,
    /// The breadcrumb's accessible name.
    Steps,
    /// Storage refuses the page.
    MemoryOnly,
    /// The stored bank could not be read.
    Unreadable,
    /// The last save failed.
    SaveFailed,
    /// The reset button.
    Reset,
    /// The reset question.
    ResetQuestion,
    /// Confirms the reset.
    ResetYes,
    /// Cancels the reset.
    ResetNo,
    /// The reset is done.
    ResetDone,
    /// The reset could not make new demo customers.
    ResetFailed,
    /// The list of demo customers.
    DemoCustomers,
    /// The audit table's sequence-number column.
    AuditNumber,
}

/// `words` in `lang`.
pub fn words(words: Words, lang: Lang) -> &'static str {
    let (ja, en) = match words {
        Words::Heading => ("インターネットバンキング", "Internet banking"),
        Words::Steps => ("手続きの流れ", "Steps"),
        Words::MemoryOnly => (
            "このブラウザではデータを保存できないため、登録や停止の内容はこのページを閉じると失われます。",
            "This browser does not let the page store data: registrations and stops last only until you close this page.",
        ),
        Words::Unreadable => (
            "保存されている銀行のデータを読み込めませんでした。データは上書きせずに残しています。「デモデータをリセット」で最初の状態からやり直せます。",
            "The saved bank data could not be read. It has been left as it is; use \"Reset demo data\" to start again.",
        ),
        Words::SaveFailed => (
            "銀行のデータを保存できませんでした。直前の操作はこのページを閉じると失われます。",
            "The bank data could not be saved: the last change lasts only until you close this page.",
        ),
        Words::Reset => ("デモデータをリセット", "Reset demo data"),
        Words::ResetQuestion => (
            "登録・停止・ロックの状態をすべて消して、デモのお客さまを最初の状態に戻します。よろしいですか？",
            "This clears every registration, stop and lock and restores the demo customers. Continue?",
        ),
        Words::ResetYes => ("リセットする", "Reset"),
        Words::ResetNo => ("キャンセル", "Cancel"),
        Words::ResetDone => (
            "デモデータをリセットしました。",
            "The demo data has been reset.",
        ),
        Words::ResetFailed => (
            "デモデータをリセットできませんでした。",
            "The demo data could not be reset.",
        ),
        Words::DemoCustomers => (
            "デモ用のお客さま（契約者ID / ログインパスワード）",
            "Demo customers (contract ID / login password)",
        ),
        Words::AuditNumber => ("No.", "No."),
    };
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}
