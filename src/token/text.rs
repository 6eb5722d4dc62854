//! The token panel's words: one table, Japanese (the default) and English side by side.
//!
//! Static labels in `index.html` name their key in a `data-t` attribute (`data-t="GetToken"`)
//! and carry the Japanese text, so the page reads right before the wasm has loaded; the shell
//! rewrites them when the page's language changes. Everything is rendered as text, never HTML.

pub use crate::bank::Lang;

macro_rules! catalogue {
    ($($key:ident => $ja:literal, $en:literal;)*) => {
        /// A key of the token panel's catalogue.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

            /// The key named `name` (as written in a `data-t` attribute).
            pub fn from_name(name: &str) -> Option<Text> {
                match name {
                    $(stringify!($key) => Some(Text::$key),)*
                    _ => None,
                }
            }

            /// The wording in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (Text::$key, Lang::Ja) => $ja,
                        (Text::$key, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}

catalogue! {
    Title => "ソフトウェアトークン", "Software token";
    Lead => "インターネットバンキングのワンタイムパスワードを表示します。トークンはこのブラウザに暗号化して保存されます。", "Shows your one-time passwords for internet banking. Tokens are stored encrypted in this browser.";
    ListLabel => "トークン一覧", "Your tokens";
    TokenIdCaption => "トークンID", "Token ID";
    AccountCaption => "アカウント", "Account";
    CodeCaption => "ワンタイムパスワード", "One-time password";
    RemainingBefore => "あと", "";
    RemainingAfter => "秒", "seconds left";
    NextCaption => "次のパスワード", "Next";
    BarLabel => "残り時間", "Time left";
    Copy => "コピー", "Copy";
    Copied => "ワンタイムパスワードをコピーしました。", "The one-time password was copied.";
    CopyFailed => "コピーできませんでした。表示されている数字を入力してください。", "Could not copy. Please type the number shown.";
    GetToken => "トークンを取得", "Get a token";
    Empty => "トークンがありません。「トークンを取得」を押すか、下の「他のサービスのトークンを読み込む」から読み込んでください。", "You have no token yet. Press \"Get a token\", or import one below.";
    Issued => "トークンを取得しました。トークンIDとワンタイムパスワードで銀行に利用登録してください。", "Your token is ready. Register its Token ID and one-time password with the bank.";
    IssueFailed => "トークンを取得できませんでした。", "Could not get a token.";
    DefaultLabel => "インターネットバンキング", "Internet banking";
    Busy => "処理中です…", "Working…";

    ManageTitle => "このトークンの管理", "Manage this token";
    RenameLabel => "名前", "Name";
    Rename => "名前を変更", "Rename";
    Renamed => "名前を変更しました。", "The name was changed.";
    Delete => "このトークンを削除", "Delete this token";
    DeleteConfirm => "このトークンを削除しますか？削除すると元に戻せません。銀行に登録済みの場合は、先に利用停止の手続きをしてください。", "Delete this token? This cannot be undone. If it is registered with your bank, stop it there first.";
    DeleteYes => "削除する", "Delete";
    Cancel => "やめる", "Cancel";
    Deleted => "トークンを削除しました。", "The token was deleted.";
    Export => "エクスポート（QRコードとURI）", "Export (QR code and URI)";
    ExportWarning => "注意：QRコードとURIにはトークンの秘密鍵が含まれます。見た人やコピーした人は誰でもこのトークンを複製できます。周りに人がいないことを確かめ、認証アプリに読み込んだらすぐに隠してください。", "Warning: the QR code and URI contain the token's secret. Anyone who sees or copies them can copy this token. Make sure no one is watching, and hide them as soon as your authenticator app has read them.";
    ExportShow => "理解して表示する", "I understand, show them";
    ExportHide => "隠す", "Hide";
    QrAlt => "トークンのQRコード（秘密鍵を含む）", "QR code of the token (contains its secret)";

    ImportTitle => "他のサービスのトークンを読み込む", "Import a token from another service";
    ImportLabel => "otpauth:// で始まるURIを貼り付けてください", "Paste a URI starting with otpauth://";
    Import => "読み込む", "Import";
    Imported => "トークンを読み込みました。", "The token was imported.";

    ProtectionTitle => "保存と保護", "Storage and protection";
    ProtectedByDevice => "トークンはこの端末の鍵（取り出せない鍵）で暗号化して保存しています。", "Your tokens are stored encrypted under this device's key (which cannot be extracted).";
    ProtectedByPassphrase => "トークンはパスフレーズで暗号化して保存しています。ページを開くたびにパスフレーズが必要です。", "Your tokens are stored encrypted under your passphrase. It is asked for each time the page opens.";
    PassphraseLabel => "パスフレーズ（8文字以上）", "Passphrase (8 characters or more)";
    SetPassphrase => "パスフレーズを設定", "Set passphrase";
    RemovePassphrase => "パスフレーズを解除", "Remove passphrase";
    PassphraseSet => "パスフレーズを設定しました。", "The passphrase was set.";
    PassphraseRemoved => "パスフレーズを解除しました。", "The passphrase was removed.";
    Locked => "トークンはパスフレーズで保護されています。パスフレーズを入力して「開く」を押してください。", "Your tokens are protected by a passphrase. Enter it and press \"Unlock\".";
    Unlock => "開く", "Unlock";
    Unlocked => "トークンを開きました。", "Your tokens are unlocked.";
    NeedUnlock => "先にパスフレーズでトークンを開いてください。", "Unlock your tokens with the passphrase first.";

    Saved => "この端末に暗号化して保存しています。", "Saved encrypted on this device.";
    NotSavedBlocked => "このブラウザでは保存が許可されていません。トークンはこのページを閉じると消えます（保存されていません）。", "This browser does not allow storage here. Your tokens will be gone when you close this page (not saved).";
    NotSavedFull => "保存領域がいっぱいです。トークンはこのページを閉じると消えます（保存されていません）。", "Storage is full. Your tokens will be gone when you close this page (not saved).";
    NotSavedNoKeys => "暗号鍵を保存できないため、トークンを保存できません。このページを閉じると消えます（保存されていません）。", "The encryption key cannot be stored, so your tokens are not saved. They will be gone when you close this page.";
    NotSavedFailed => "保存できませんでした。トークンはこのページを閉じると消えます（保存されていません）。", "Saving failed. Your tokens will be gone when you close this page (not saved).";
    UnreadableKept => "保存データは削除せずにそのまま残しています。削除するかどうかはお客様がお決めください。新しい操作はこの画面の中だけで行われ、保存されません。", "The saved data has been left as it is: you decide whether to delete it. Anything you do now stays on this page and is not saved.";
    ServicePrefix => "トークンサービスの記録：", "Token service records: ";
    Discard => "読めない保存データを削除", "Delete the unreadable saved data";
    DiscardConfirm => "読めない保存データを削除します。中のトークンは元に戻せません。よろしいですか？", "This deletes the unreadable saved data. Its tokens cannot be recovered. Continue?";
    DiscardLocked => "パスフレーズを忘れた場合：保存されたトークンを削除", "Forgot the passphrase? Delete the saved tokens";
    DiscardLockedConfirm => "保存されたトークンを削除します。パスフレーズがないと中身は取り出せず、元に戻せません。よろしいですか？", "This deletes the saved tokens. Without the passphrase they cannot be recovered. Continue?";
    Discarded => "読めない保存データを削除しました。", "The unreadable saved data was deleted.";
    PersistGranted => "永続ストレージ：許可されました（ブラウザが自動で消すことはありません）。", "Persistent storage: granted (the browser will not clear it on its own).";
    PersistDenied => "永続ストレージ：許可されていません（空き容量が少ないとブラウザが消すことがあります）。", "Persistent storage: not granted (the browser may clear it when space runs low).";
    PersistUnknown => "永続ストレージ：このブラウザでは確認できません。", "Persistent storage: this browser cannot tell.";
    OtherTab => "別のタブでの変更を読み込みました。", "Loaded changes made in another tab.";
}

/// The page language named by a BCP 47 tag (`document.documentElement.lang`): English for
/// `en` and its regions, Japanese otherwise.
pub fn lang_of_tag(tag: &str) -> Lang {
    let primary = tag.split('-').next().unwrap_or("");
    if primary.eq_ignore_ascii_case("en") {
        Lang::En
    } else {
        Lang::Ja
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_a_name() {
        for &key in Text::ALL {
            assert!(!key.get(Lang::Ja).is_empty(), "{key:?}");
            if key != Text::RemainingBefore {
                assert!(!key.get(Lang::En).is_empty(), "{key:?}");
            }
            assert_eq!(Text::from_name(&format!("{key:?}")), Some(key));
        }
        assert_eq!(Text::from_name("Nope"), None);
    }

    #[test]
    fn page_tags_choose_the_language() {
        assert_eq!(lang_of_tag("en"), Lang::En);
        assert_eq!(lang_of_tag("en-GB"), Lang::En);
        assert_eq!(lang_of_tag("ja"), Lang::Ja);
        assert_eq!(lang_of_tag(""), Lang::Ja);
    }
}
