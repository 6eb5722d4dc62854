//! The panel's view as writes to its elements, and its controls as messages: what the browser
//! shell applies in a loop, so that it decides nothing itself.
//!
//! ```
//! use webtoken_token::panel::draw::{Part, Write, writes};
//! use webtoken_token::panel::{Panel, Storage};
//! use webtoken_token::text::Lang;
//! use webtoken_token::wallet::Wallet;
//! let view = Panel::new(Wallet::new()).view(0, Lang::En, &Storage::default());
//! // Busy until the start-up work answers: the button that gets a token is disabled.
//! assert!(writes(&view).contains(&(Part::New, Write::Disabled(true))));
//! ```

use std::borrow::Cow;

use zeroize::Zeroizing;

pub use webtoken_engine::draw::Write;
use webtoken_engine::draw::text;

use super::{CodeView, ExportView, Field, ListEntry, Message, PanelView, Typed};
use crate::qr::{EcLevel, QrCode};
use crate::text::{Lang, Text};

macro_rules! parts {
    ($($part:ident => $id:literal,)*) => {
        /// An element of the token panel, named in the page by its `data-testid`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Part {
            $(#[doc = concat!("`", $id, "`.")] $part,)*
        }

        impl Part {
            /// Every part, in the order the shell looks them up (`ALL[part as usize] == part`).
            pub const ALL: &[Part] = &[$(Part::$part,)*];

            /// Its `data-testid`.
            pub fn testid(self) -> &'static str {
                match self {
                    $(Part::$part => $id,)*
                }
            }
        }

        impl From<Part> for usize {
            fn from(part: Part) -> usize {
                part as usize
            }
        }
    };
}

parts! {
    // The code display first: a page without its code is reported by that name.
    TokenId => "token-id",
    TokenCode => "token-code",
    TokenRemaining => "token-remaining",
    TokenBar => "token-bar",
    TokenNext => "token-next",
    Status => "status",
    List => "token-list",
    Empty => "token-empty",
    Face => "token-face",
    Label => "token-label",
    IdCaption => "token-id-caption",
    Copy => "token-copy",
    New => "token-new",
    Message => "token-message",
    Manage => "token-manage",
    RenameInput => "token-rename-input",
    Rename => "token-rename",
    Delete => "token-delete",
    DeleteConfirm => "token-delete-confirm",
    DeleteYes => "token-delete-yes",
    DeleteNo => "token-delete-no",
    Export => "token-export",
    ExportWarning => "token-export-warning",
    ExportShow => "token-export-show",
    ExportShown => "token-export-shown",
    ExportUri => "token-export-uri",
    ExportHide => "token-export-hide",
    ExportCancel => "token-export-cancel",
    ImportInput => "token-import-input",
    Import => "token-import",
    ImportFile => "token-import-file",
    ImportImage => "token-import-image",
    ImportCamera => "token-import-camera",
    ImportCameraView => "token-import-camera-view",
    ImportCameraVideo => "token-import-camera-video",
    ImportCameraStop => "token-import-camera-stop",
    Protection => "token-protection",
    PassBox => "token-pass-box",
    PassInput => "token-pass-input",
    PassSet => "token-pass-set",
    PassRemove => "token-pass-remove",
    Lock => "token-lock",
    UnlockInput => "token-unlock-input",
    Unlock => "token-unlock",
    Storage => "token-storage",
    Persist => "token-persist",
    Discard => "token-discard",
    DiscardConfirm => "token-discard-confirm",
    DiscardText => "token-discard-text",
    DiscardYes => "token-discard-yes",
    DiscardNo => "token-discard-no",
    // Backup and restore (panel::backup).
    BackupReminder => "token-backup-reminder",
    BackupPass => "token-backup-pass",
    BackupExport => "token-backup-export",
    BackupFile => "token-backup-file",
    BackupRestore => "token-backup-restore",
    // HOTP, auto-lock and search (guard.rs).
    Countdown => "token-countdown",
    Hotp => "token-hotp",
    Counter => "token-counter",
    HotpNext => "token-hotp-next",
    AutoLockBox => "token-autolock-box",
    AutoLock => "token-autolock",
    LockNow => "token-lock-now",
    SearchBox => "token-search-box",
    Search => "token-search",
}

impl Field {
    /// The input element of this field.
    pub fn part(self) -> Part {
        match self {
            Field::Import => Part::ImportInput,
            Field::Passphrase => Part::PassInput,
            Field::Unlock => Part::UnlockInput,
            Field::BackupPass => Part::BackupPass,
            Field::Search => Part::Search,
        }
    }
}

/// The writes that draw the code display: `None`, no active token; `Err`, the error's text on
/// the status line.
pub fn code_writes(code: Option<&Result<CodeView, String>>) -> Vec<(Part, Write<'_>)> {
    match code {
        None => [
            Part::TokenId,
            Part::TokenCode,
            Part::TokenNext,
            Part::TokenRemaining,
        ]
        .into_iter()
        .map(|part| (part, text("")))
        .collect(),
        Some(Ok(code)) if code.counter.is_some() => vec![
            (Part::TokenCode, text(&code.code)),
            (Part::TokenNext, text("")),
            (
                Part::Counter,
                Write::Text(code.counter.unwrap_or_default().to_string().into()),
            ),
            (Part::Hotp, Write::Shown(true)),
            (Part::Countdown, Write::Shown(false)),
        ],
        Some(Ok(code)) => vec![
            (Part::Hotp, Write::Shown(false)),
            (Part::Countdown, Write::Shown(true)),
            (Part::TokenCode, text(&code.code)),
            (Part::TokenNext, text(&code.next)),
            (
                Part::TokenRemaining,
                Write::Text(code.remaining.to_string().into()),
            ),
            (
                Part::TokenBar,
                Write::Attr("max", code.period.to_string().into()),
            ),
            (
                Part::TokenBar,
                Write::Attr("value", code.remaining.to_string().into()),
            ),
        ],
        Some(Err(e)) => vec![
            (Part::Hotp, Write::Shown(false)),
            (Part::TokenCode, text("")),
            (Part::TokenNext, text("")),
            (Part::Status, text(e)),
        ],
    }
}

impl ExportView {
    /// The URI on show; empty when none is.
    pub fn uri(&self) -> &str {
        match self {
            ExportView::Shown(uri) => uri.as_str(),
            _ => "",
        }
    }
}

/// Every write that draws `view`, after its code ([`code_writes`]), but the list's buttons
/// ([`ListEntry::attributes`]) and the export's QR code ([`qr_image`]).
pub fn writes(view: &PanelView) -> Vec<(Part, Write<'_>)> {
    let has_active = view.active.is_some();
    let mut out = vec![
        (Part::List, Write::Shown(view.list_shown)),
        (Part::Face, Write::Shown(has_active)),
        (Part::Manage, Write::Shown(has_active)),
        (Part::Empty, Write::Shown(view.empty_shown)),
    ];
    if let Some(token) = &view.active {
        out.extend([
            (Part::Label, text(&token.label)),
            (Part::IdCaption, text(token.id_caption)),
            (Part::TokenId, text(&token.id)),
            (
                Part::RenameInput,
                Write::Placeholder(Cow::Borrowed(&token.label)),
            ),
        ]);
    }
    let uri = view.export.uri();
    out.extend([
        (Part::DeleteConfirm, Write::Shown(view.delete_confirm_shown)),
        (Part::Delete, Write::Shown(view.delete_shown)),
        (
            Part::ExportWarning,
            Write::Shown(view.export == ExportView::Warned),
        ),
        (
            Part::ExportShown,
            Write::Shown(matches!(view.export, ExportView::Shown(_))),
        ),
        (
            Part::Export,
            Write::Shown(view.export == ExportView::Hidden),
        ),
        (Part::ExportUri, text(uri)),
        (Part::Lock, Write::Shown(view.lock_shown)),
        (Part::PassBox, Write::Shown(view.pass_box_shown)),
        (Part::PassRemove, Write::Shown(view.pass_remove_shown)),
    ]);
    // What is not shown keeps its last text.
    if let Some(protection) = view.protection {
        out.push((Part::Protection, text(protection)));
    }
    let class = |trouble: bool, base: &'static str, error: &'static str| {
        Write::Attr("class", Cow::Borrowed(if trouble { error } else { base }))
    };
    out.extend([
        (Part::Protection, Write::Shown(view.protection.is_some())),
        (Part::Storage, text(&view.storage)),
        (
            Part::Storage,
            class(view.storage_trouble, "token-storage", "token-storage error"),
        ),
        (Part::Discard, Write::Shown(view.discard_shown)),
        (Part::Discard, text(view.discard_label)),
        (Part::DiscardText, text(view.discard_question)),
        (
            Part::DiscardConfirm,
            Write::Shown(view.discard_confirm_shown),
        ),
    ]);
    if let Some(persist) = view.persist {
        out.push((Part::Persist, text(persist)));
    }
    out.extend([
        (Part::Persist, Write::Shown(view.persist.is_some())),
        (Part::Message, text(&view.message)),
        (
            Part::Message,
            class(view.message_error, "token-message", "token-message error"),
        ),
    ]);
    // The buttons that start work, disabled while work runs (the list's are drawn so too).
    for part in [
        Part::New,
        Part::Rename,
        Part::DeleteYes,
        Part::Import,
        Part::PassSet,
        Part::PassRemove,
        Part::Unlock,
        Part::DiscardYes,
    ] {
        out.push((part, Write::Disabled(view.busy)));
    }
    out.push((Part::New, Write::Shown(view.new_shown)));
    out.extend(super::backup::writes(&view.backup));
    out.extend(guard_writes(&view.guard, view.busy));
    out
}

/// The writes of the HOTP button, auto-lock and search ([`super::guard`]).
fn guard_writes(view: &super::guard::GuardView, busy: bool) -> Vec<(Part, Write<'static>)> {
    vec![
        (Part::AutoLockBox, Write::Shown(view.autolock_shown)),
        (
            Part::AutoLock,
            Write::Value(view.autolock_minutes.to_string().into()),
        ),
        (Part::LockNow, Write::Shown(view.autolock_shown)),
        (Part::SearchBox, Write::Shown(view.search_shown)),
        // Like the buttons above: what starts work waits while work runs.
        (Part::HotpNext, Write::Disabled(busy)),
        (Part::LockNow, Write::Disabled(busy)),
        (Part::AutoLock, Write::Disabled(busy)),
    ]
}

impl ListEntry {
    /// The attributes of its button in the list (its label is the button's text).
    pub fn attributes(&self, busy: bool) -> Vec<(&'static str, String)> {
        let mut attributes = vec![("type", "button".to_owned())];
        if busy {
            attributes.push(("disabled", String::new()));
        }
        attributes.push(("data-token", self.id.to_string()));
        attributes.push(("aria-pressed", self.active.to_string()));
        attributes
    }
}

/// The list's elements: one `<li>` per token, holding its button (labelled with its name).
pub fn list_nodes(list: &[ListEntry], busy: bool) -> Vec<webtoken_engine::draw::Node> {
    let mut tree = webtoken_engine::draw::Tree::<(), ()>::new();
    for entry in list {
        tree.open("li", "").open("button", "");
        for (name, value) in entry.attributes(busy) {
            tree.attr(name, value);
        }
        tree.text(entry.label.clone()).close().close();
    }
    tree.finish().nodes
}

/// The message of a press in the list, from the `data-token` attribute of the button pressed.
pub fn select(data_token: &str) -> Option<Message> {
    data_token.parse().ok().map(Message::Select)
}

/// The attributes of the export's QR code, an `<img>` of our own SVG as a `data:` URL (which
/// the CSP allows for images: it is never parsed into the page's DOM); `None` when `uri` is
/// too long for a QR code. `encode` percent-encodes as `encodeURIComponent` does: the browser
/// passes its own, which keeps an encoder out of the wasm
/// ([`webtoken_engine::address::percent_encode`] stands in for it natively).
pub fn qr_image(
    uri: &str,
    lang: Lang,
    encode: impl FnOnce(&str) -> String,
) -> Option<[(&'static str, Zeroizing<String>); 5]> {
    let code = QrCode::encode(uri.as_bytes(), EcLevel::M).ok()?;
    let svg = Zeroizing::new(code.to_svg(4));
    let url = Zeroizing::new(encode(&svg));
    let src = Zeroizing::new(format!("data:image/svg+xml,{}", url.as_str()));
    let attr = |s: &str| Zeroizing::new(s.to_owned());
    Some([
        ("data-testid", attr("token-export-qr")),
        ("alt", attr(Text::QrAlt.get(lang))),
        ("width", attr("200")),
        ("height", attr("200")),
        ("src", src),
    ])
}

/// What a press sends: a fixed message, or one made of what a field holds at the press.
#[derive(Clone, Copy)]
pub enum Press {
    /// Always the same message.
    Fixed(fn() -> Message),
    /// A message of the text in this field.
    Read(Part, fn(String) -> Message),
}

impl std::fmt::Debug for Press {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Press::Fixed(_) => f.write_str("Fixed"),
            Press::Read(field, _) => write!(f, "Read({field:?})"),
        }
    }
}

impl Press {
    /// The message, with `read` giving what a field holds.
    pub fn message(self, read: impl FnOnce(Part) -> String) -> Message {
        match self {
            Press::Fixed(message) => message(),
            Press::Read(field, message) => message(read(field)),
        }
    }
}

const RENAME: Press = Press::Read(Part::RenameInput, Message::Rename);
const IMPORT: Press = Press::Read(Part::ImportInput, |t| Message::Import(Typed::new(t)));
const UNLOCK: Press = Press::Read(Part::UnlockInput, |t| Message::Unlock(Typed::new(t)));

/// The buttons and what a click on each sends.
pub const CLICKS: &[(Part, Press)] = &[
    (Part::New, Press::Fixed(|| Message::New)),
    (Part::Copy, Press::Fixed(|| Message::Copy)),
    (Part::Rename, RENAME),
    (Part::Delete, Press::Fixed(|| Message::AskDelete)),
    (Part::DeleteYes, Press::Fixed(|| Message::ConfirmDelete)),
    (Part::DeleteNo, Press::Fixed(|| Message::Cancel)),
    (Part::Export, Press::Fixed(|| Message::AskExport)),
    (Part::ExportShow, Press::Fixed(|| Message::ShowExport)),
    (Part::ExportHide, Press::Fixed(|| Message::HideExport)),
    (Part::ExportCancel, Press::Fixed(|| Message::HideExport)),
    (Part::Import, IMPORT),
    (
        Part::PassSet,
        Press::Read(Part::PassInput, |t| Message::SetPassphrase(Typed::new(t))),
    ),
    (Part::PassRemove, Press::Fixed(|| Message::RemovePassphrase)),
    (Part::Unlock, UNLOCK),
    (Part::Discard, Press::Fixed(|| Message::AskDiscard)),
    (Part::DiscardYes, Press::Fixed(|| Message::ConfirmDiscard)),
    (Part::DiscardNo, Press::Fixed(|| Message::Cancel)),
    (Part::HotpNext, Press::Fixed(|| Message::Advance)),
    (Part::LockNow, Press::Fixed(|| Message::LockNow)),
];

/// The fields whose every change sends a message (`input` for the search field, `change` for
/// the auto-lock select), with what it sends.
pub const CHANGES: &[(Part, &str, Press)] = &[
    (
        Part::Search,
        "input",
        Press::Read(Part::Search, Message::Search),
    ),
    (
        Part::AutoLock,
        "change",
        Press::Read(Part::AutoLock, Message::SetAutoLock),
    ),
];

/// The fields in which Enter presses their button, and what it sends.
pub const ENTER: &[(Part, Press)] = &[
    (Part::ImportInput, IMPORT),
    (Part::UnlockInput, UNLOCK),
    (Part::RenameInput, RENAME),
];

/// Where the page's static labels name their catalogue key: text in `data-t`, an `alt` in
/// `data-t-alt`, an `aria-label` in `data-t-aria`; `None`: the element's text.
pub const LABELS: [(&str, Option<&str>); 3] = [
    ("data-t", None),
    ("data-t-alt", Some("alt")),
    ("data-t-aria", Some("aria-label")),
];

#[cfg(test)]
mod tests;
