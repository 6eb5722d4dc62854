//! The bank's message catalogue: every word its screens show, in Japanese and English.
//!
//! One table, one row per key. The Japanese is the customer guide's wording where the guide
//! shows the screen; messages the guide does not show follow its style. The page renders these
//! as text only (never as HTML).

use serde::{Deserialize, Serialize};

/// The language a screen is shown in; Japanese by default, as the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Japanese (the default).
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag for the page's `lang` attribute (`ja`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }

    /// The other language (for the page's language toggle).
    pub fn toggled(self) -> Self {
        match self {
            Self::Ja => Self::En,
            Self::En => Self::Ja,
        }
    }
}

/// The toll-free number of the fictional bank, used in the messages that say to call it.
pub const CONTACT_PHONE: &str = "0120-000-000";

/// Defines [`Text`], its `ALL` list and its two columns from one table, so that a key cannot
/// exist without both languages.
macro_rules! catalogue {
    ($($key:ident => $ja:literal, $en:literal;)*) => {
        /// A key of the message catalogue; [`text`] gives its wording in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Text {
            $(
                #[doc = concat!("「", $ja, "」 (", $en, ")")]
                $key,
            )*
        }

        impl Text {
            /// Every key, in catalogue order.
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            /// The Japanese wording.
            pub fn ja(self) -> &'static str {
                match self {
                    $(Text::$key => $ja,)*
                }
            }

            /// The English wording.
            pub fn en(self) -> &'static str {
                match self {
                    $(Text::$key => $en,)*
                }
            }
        }
    };
}

catalogue! {
    // The page frame.
    BankName => "みなと信用金庫 インターネットバンキング", "Minato Shinkin Bank Internet Banking";
    LanguageToggle => "English", "日本語";
    Busy => "処理中です。しばらくお待ちください。", "Processing. Please wait.";
    ContactLine => "フリーダイヤル : 0120-000-000　受付時間 : 平日 9:00~17:00", "Toll-free: 0120-000-000, weekdays 9:00-17:00";

    // Login (guide section 2 and 3).
    LoginTitle => "ログイン", "Log in";
    LoginLead => "インターネットのページにログインします。", "Log in to internet banking.";
    LoginInstruction => "契約者ID(利用者番号)、ログインパスワードを入力し、「ログイン」ボタンを押してください。", "Enter your contract ID (user number) and login password, then press \"Log in\".";
    LabelContractIdLogin => "契約者ID(利用者番号)", "Contract ID (user number)";
    LabelContractId => "契約者ID", "Contract ID";
    LabelPassword => "ログインパスワード", "Login password";
    ButtonLogin => "ログイン", "Log in";
    NoteCase => "英字は大文字と小文字を区別しますので、ご注意ください。", "Letters are case-sensitive: upper and lower case differ.";
    NoteBackButton => "ブラウザの「戻る」「進む」ボタンは使用しないでください。", "Please do not use the browser's Back and Forward buttons.";
    NoteLayout => "ご利用のOSおよびブラウザや文字の大きさによっては、画面のレイアウトが若干異なる場合がありますが、お取扱いには影響ありません。", "Depending on your OS, browser and text size, the layout may differ slightly; this does not affect your transactions.";
    LinkRegistration => "ワンタイムパスワードの利用登録はこちら", "Register for one-time passwords here";
    LinkStop => "ワンタイムパスワードの利用停止はこちら", "Stop one-time passwords here";
    LinkResync => "ワンタイムパスワードの同期ズレ補正はこちら", "Resynchronise your token here";
    LinkStaff => "窓口担当者用ページ", "Staff page";
    LoggedOut => "ログアウトしました。", "You have logged out.";

    // The code step of login (guide section 3).
    CodeTitle => "ワンタイムパスワード認証", "One-time password authentication";
    CodeInstruction => "ワンタイムパスワードを入力し、「確認」ボタンを押してください。", "Enter your one-time password, then press \"Confirm\".";
    CodeSection => "ワンタイムパスワード確認", "One-time password check";
    LabelCode => "ワンタイムパスワード", "One-time password";
    CodeSuffix => "(半角数字)", "(digits)";
    CodeHint => "トークンに表示されている数字を入力してください。(30秒毎に数字が変更されます。)", "Enter the number shown on your token. (The number changes every 30 seconds.)";
    ButtonConfirm => "確認", "Confirm";

    // Signed in.
    HomeTitle => "トップページ", "Home";
    SignedIn => "ログインしました。", "You are logged in.";
    ButtonLogout => "ログアウト", "Log out";

    // Registration (guide section 2).
    RegistrationTitle => "ワンタイムパスワード利用登録", "One-time password registration";
    CrumbAuthentication => "利用者認証", "User authentication";
    CrumbRegistrationDetails => "ワンタイムパスワード登録情報入力", "Registration details";
    CrumbResult => "処理結果", "Result";
    RegistrationLead => "ワンタイムパスワードの利用登録を行います。", "You are registering for one-time passwords.";
    CredentialsInstruction => "契約者ID、ログインパスワードを入力し、「次へ」ボタンを押してください。", "Enter your contract ID and login password, then press \"Next\".";
    RegistrationSection => "利用登録", "Registration";
    ButtonNext => "次へ", "Next";
    RegistrationInstruction => "トークンID、ワンタイムパスワードを入力し、「登録」ボタンを押してください。", "Enter the Token ID and the one-time password, then press \"Register\".";
    LabelTokenId => "トークンID", "Token ID";
    ButtonRegister => "登録", "Register";
    BackInstruction => "「ログイン画面に戻る」ボタンを押してください。", "Press \"Back to login\".";
    RegistrationDone => "ワンタイムパスワードの利用登録が完了しました。", "Your one-time password registration is complete.";
    RegistrationDoneNote => "次回のログインから契約者ID及びログインパスワードに加え、ワンタイムパスワードが必要となります。", "From your next login you will need a one-time password as well as your contract ID and login password.";
    ButtonBackToLogin => "ログイン画面に戻る", "Back to login";

    // Stop (guide section 4).
    StopTitle => "ワンタイムパスワード利用停止", "Stop one-time passwords";
    CrumbCodeInput => "ワンタイムパスワード入力", "One-time password";
    StopLead => "ワンタイムパスワードの利用停止を行います。", "You are stopping one-time passwords.";
    StopSection => "利用停止", "Stop";
    StopInstruction => "ワンタイムパスワードを入力し、「停止」ボタンを押してください。", "Enter your one-time password, then press \"Stop\".";
    ButtonStop => "停止", "Stop";
    StopDone => "ワンタイムパスワードの利用停止が完了しました。", "One-time passwords have been stopped.";
    StopBrokenNote => "※PCの故障等によりソフトウェアトークンが起動できない場合は、別途停止のお手続きが必要となりますので、当庫までご連絡をお願いします。", "* If your software token cannot start (for example because your PC is broken), a separate stop procedure is needed: please contact us.";

    // Resynchronisation (not in the guide; worded as its other screens).
    ResyncTitle => "ワンタイムパスワード同期ズレ補正", "Token resynchronisation";
    ResyncLead => "ワンタイムパスワードの同期ズレ補正を行います。", "You are resynchronising your token.";
    ResyncSection => "同期ズレ補正", "Resynchronisation";
    ResyncInstruction => "トークンに続けて表示される2つのワンタイムパスワードを入力し、「補正」ボタンを押してください。", "Enter two one-time passwords your token shows one after the other, then press \"Resynchronise\".";
    LabelFirstCode => "ワンタイムパスワード(1つ目)", "One-time password (first)";
    LabelSecondCode => "ワンタイムパスワード(2つ目)", "One-time password (next)";
    ResyncHint => "1つ目を入力したら、トークンの数字が変わるのを待って、次の数字を2つ目に入力してください。", "After the first, wait for your token's number to change and enter the new number as the second.";
    ButtonResync => "補正", "Resynchronise";
    ResyncDone => "ワンタイムパスワードの同期ズレ補正が完了しました。", "Your token has been resynchronised.";

    // Customer-facing errors.
    ErrContractIdEmpty => "契約者IDを入力してください。", "Please enter your contract ID.";
    ErrPasswordEmpty => "ログインパスワードを入力してください。", "Please enter your login password.";
    ErrCredentials => "契約者IDまたはログインパスワードが正しくありません。ログインパスワードを入力し直してください。", "The contract ID or login password is incorrect. Please enter your login password again.";
    ErrPasswordLocked => "ログインパスワードが所定の回数以上誤って入力されたため、ご利用を停止しています。お手数ですが当庫（フリーダイヤル 0120-000-000　平日 9:00~17:00）までご連絡ください。", "The login password was entered incorrectly too many times, so access is suspended. Please call us (toll-free 0120-000-000, weekdays 9:00-17:00).";
    ErrAlreadyRegistered => "すでにワンタイムパスワードの利用登録がされています。", "One-time passwords are already registered for this contract.";
    ErrNotRegistered => "ワンタイムパスワードの利用登録がされていません。", "One-time passwords are not registered for this contract.";
    ErrTokenUnknown => "トークンIDが正しくありません。トークンに表示されているトークンIDをご確認ください。", "The Token ID is not recognised. Please check the Token ID your token shows.";
    ErrTokenTaken => "このトークンIDは他のご契約で登録済みのため、登録できません。", "This Token ID is registered to another contract and cannot be registered.";
    ErrCodeMismatch => "ワンタイムパスワードが正しくありません。トークンに表示されている数字をご確認ください。", "The one-time password is incorrect. Please check the number shown on your token.";
    ErrCodeReplayed => "このワンタイムパスワードは使用済みです。トークンの数字が変わるまでお待ちになり、新しい数字を入力してください。", "This one-time password has already been used. Please wait for your token to show a new number and enter that.";
    ErrTokenLocked => "ワンタイムパスワードが所定の回数以上誤って入力されたため、トークンがロックされました。お手数ですが当庫（フリーダイヤル 0120-000-000　平日 9:00~17:00）までお電話ください。", "The one-time password was entered incorrectly too many times and your token is locked. Please call us (toll-free 0120-000-000, weekdays 9:00-17:00).";
    ErrTokenStopped => "このトークンは利用停止されています。", "This token has been stopped.";
    ErrTokenStoppedLogin => "ワンタイムパスワードの利用は停止されています。もう一度ログインしてください。", "One-time passwords have been stopped for this contract. Please log in again.";
    ErrResyncMismatch => "2つのワンタイムパスワードを確認できませんでした。トークンに続けて表示された2つの数字を入力してください。", "The two one-time passwords could not be matched. Enter two numbers your token shows one after the other.";
    ErrService => "ただいま処理を受け付けられません。しばらくしてから再度お試しください。", "We cannot process this right now. Please try again later.";

    // The staff page (the guide's separate stop procedure).
    StaffTitle => "ワンタイムパスワード停止・ロック解除（窓口担当者用）", "One-time password stop and unlock (staff)";
    StaffLead => "トークンの紛失やPCの故障等でワンタイムパスワードを入力できないお客さまの利用停止、およびロック解除を行います。", "Stop the token of a customer who cannot enter a one-time password (lost token, broken PC), or unlock a locked token.";
    StaffLookupInstruction => "契約者IDを入力し、「照会」ボタンを押してください。", "Enter the contract ID, then press \"Look up\".";
    ButtonLookup => "照会", "Look up";
    ButtonLookupAnother => "別の契約を照会", "Look up another contract";
    LabelTokenState => "トークンの状態", "Token state";
    LabelCodeFailures => "ワンタイムパスワード連続誤り回数", "Consecutive wrong one-time passwords";
    LabelPasswordState => "ログインパスワードの状態", "Login password state";
    LabelPasswordFailures => "ログインパスワード連続誤り回数", "Consecutive wrong passwords";
    LabelAudit => "操作履歴", "Audit trail";
    LabelStaffName => "担当者名", "Staff name";
    LabelStaffReason => "停止理由", "Reason for the stop";
    StaffReasonHint => "トークンの紛失、PCの故障等、停止の理由を入力してください。", "Enter why the token is stopped (lost token, broken PC, ...).";
    StateNone => "未登録", "Not registered";
    StateRegistered => "利用中", "Registered";
    StateLocked => "ロック中", "Locked";
    StateStopped => "利用停止", "Stopped";
    PasswordOk => "正常", "OK";
    PasswordLocked => "ロック中", "Locked";
    AuditChainOk => "操作履歴のハッシュチェーンを検証しました。改ざんはありません。", "The audit trail's hash chain verifies: it has not been altered.";
    AuditChainBroken => "操作履歴のハッシュチェーンが一致しません。改ざんの可能性があります。", "The audit trail's hash chain does not verify: it may have been altered.";
    AuditEmpty => "操作履歴はありません。", "No audit events.";
    ButtonUnlock => "ロック解除", "Unlock token";
    ButtonStaffStop => "利用停止", "Stop token";
    ButtonUnlockPassword => "パスワードロック解除", "Unlock password";
    StaffUnlocked => "トークンのロックを解除しました。", "The token has been unlocked.";
    StaffStopped => "トークンの利用を停止しました。", "The token has been stopped.";
    StaffPasswordUnlocked => "ログインパスワードのロックを解除しました。", "The login password has been unlocked.";
    ErrNoSuchContract => "該当するご契約が見つかりません。", "No contract has that ID.";
    ErrNoToken => "このご契約にはトークンが登録されていません。", "No token is registered for this contract.";
    ErrNotLocked => "このトークンはロックされていません。", "This token is not locked.";
    ErrPasswordNotLocked => "ログインパスワードはロックされていません。", "The login password is not locked.";
    ErrStaffNameEmpty => "担当者名を入力してください。", "Please enter the staff name.";
    ErrStaffNameTooLong => "担当者名は40文字以内で入力してください。", "The staff name must be at most 40 characters.";
    ErrReasonEmpty => "停止理由を入力してください。", "Please enter the reason for the stop.";
    ErrReasonTooLong => "停止理由は200文字以内で入力してください。", "The reason must be at most 200 characters.";
    LabelAuditTime => "日時", "Time";
    LabelAuditEvent => "操作", "Event";
    LabelAuditDetail => "内容", "Detail";
    AuditIssued => "トークン発行", "Token issued";
    AuditAccepted => "認証成功", "Code accepted";
    AuditRejected => "認証失敗", "Code rejected";
    AuditLocked => "ロック", "Locked";
    AuditUnlocked => "ロック解除", "Unlocked";
    AuditStopped => "利用停止", "Stopped";
    AuditResynced => "同期ズレ補正", "Resynchronised";
    AuditResyncRejected => "同期ズレ補正失敗", "Resync rejected";
    AuditActor => "担当者", "by";
    AuditReason => "理由", "reason";
    AuditStep => "ステップ", "step";
    AuditDrift => "ズレ", "drift";
    AuditFailures => "誤り回数", "failures";
    ReasonMalformed => "入力形式の誤り", "malformed input";
    ReasonUnknownToken => "未発行のトークンID", "unknown Token ID";
    ReasonMismatch => "ワンタイムパスワード不一致", "wrong code";
    ReasonReplayed => "使用済みのワンタイムパスワード", "code already used";
    ReasonLockedOut => "ロック中", "token locked";
    ReasonStopped => "利用停止中", "token stopped";
    ReasonUnavailable => "記録できず", "could not be recorded";
    ErrControlCharacters => "改行などの制御文字は入力できません。", "Line breaks and other control characters cannot be entered.";
}

/// The wording of `key` in `lang`.
pub fn text(key: Text, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => key.ja(),
        Lang::En => key.en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_has_both_languages() {
        assert!(
            Text::ALL.len() > 50,
            "the catalogue is read whole: {}",
            Text::ALL.len()
        );
        for &key in Text::ALL {
            for lang in [Lang::Ja, Lang::En] {
                let wording = text(key, lang);
                assert!(!wording.trim().is_empty(), "{key:?} in {lang:?}");
                assert!(
                    !wording.contains('<'),
                    "{key:?} in {lang:?} looks like markup"
                );
            }
            assert_ne!(key.ja(), key.en(), "{key:?} is translated");
        }
    }

    #[test]
    fn japanese_column_is_japanese_and_english_column_is_ascii() {
        for &key in Text::ALL {
            if key == Text::LanguageToggle {
                continue; // the toggle names the other language on purpose
            }
            assert!(key.en().is_ascii(), "{key:?}: {}", key.en());
            assert!(!key.ja().is_ascii(), "{key:?}: {}", key.ja());
        }
    }

    #[test]
    fn keys_are_unique() {
        let unique: HashSet<_> = Text::ALL.iter().collect();
        assert_eq!(unique.len(), Text::ALL.len());
    }

    #[test]
    fn guide_wording_is_exact() {
        // Copied from the customer guide, character for character.
        for (key, guide) in [
            (Text::LabelContractIdLogin, "契約者ID(利用者番号)"),
            (
                Text::LoginInstruction,
                "契約者ID(利用者番号)、ログインパスワードを入力し、「ログイン」ボタンを押してください。",
            ),
            (Text::CodeSuffix, "(半角数字)"),
            (
                Text::CodeHint,
                "トークンに表示されている数字を入力してください。(30秒毎に数字が変更されます。)",
            ),
            (
                Text::RegistrationDone,
                "ワンタイムパスワードの利用登録が完了しました。",
            ),
            (
                Text::StopDone,
                "ワンタイムパスワードの利用停止が完了しました。",
            ),
            (
                Text::CrumbRegistrationDetails,
                "ワンタイムパスワード登録情報入力",
            ),
            (Text::CrumbCodeInput, "ワンタイムパスワード入力"),
            (Text::ButtonBackToLogin, "ログイン画面に戻る"),
            (
                Text::LinkRegistration,
                "ワンタイムパスワードの利用登録はこちら",
            ),
            (Text::LinkStop, "ワンタイムパスワードの利用停止はこちら"),
        ] {
            assert_eq!(text(key, Lang::Ja), guide);
        }
    }

    #[test]
    fn phone_messages_use_the_contact_number() {
        for key in [
            Text::ContactLine,
            Text::ErrPasswordLocked,
            Text::ErrTokenLocked,
        ] {
            assert!(
                key.ja().contains(CONTACT_PHONE) && key.en().contains(CONTACT_PHONE),
                "{key:?}"
            );
        }
    }

    #[test]
    fn lang_tags_and_toggle() {
        assert_eq!(Lang::default(), Lang::Ja);
        assert_eq!((Lang::Ja.tag(), Lang::En.tag()), ("ja", "en"));
        assert_eq!(Lang::Ja.toggled(), Lang::En);
        assert_eq!(Lang::En.toggled(), Lang::Ja);
    }
}
