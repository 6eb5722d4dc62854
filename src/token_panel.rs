//! The token panel: the customer's software token on the page.
//!
//! It shows the active token of the customer's list (Token ID, code, seconds left with a bar,
//! the next code), and lets the customer get a token from the token service, import one from
//! an `otpauth://` URI, rename, delete and export tokens, and protect them with a passphrase.
//! Presses become [`Message`]s; [`TokenPanel::update`] changes the panel's state and may ask for
//! [`Work`] (storage, WebCrypto, the token service), which [`run`] does asynchronously and
//! answers with another message. All text is set as text, never as HTML.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, Ordering};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlInputElement};
use zeroize::Zeroizing;

use super::app::Dispatch;
use super::clock;
use super::page::{MissingElement, Page, set_text};
use super::sealed::NotSaved;
use super::service::ServiceHandle;
use super::token_store::{ChangeError, WalletStore};
use webtoken_engine::Params;
use webtoken_engine::group_code;
use webtoken_engine::token_id::TokenId;
use webtoken_token::CodeDisplay;
use webtoken_token::otpauth::{KeyUri, OtpauthError};
use webtoken_token::qr::{EcLevel, QrCode};
use webtoken_token::text::{Lang, Text};
use webtoken_token::vault::VaultError;
use webtoken_token::wallet::{SERVICE_ISSUER, Wallet, WalletError, WalletOp, WalletToken};
use webtoken_token_service::Issued;

/// What the panel's controls and tasks send.
#[derive(Debug)]
#[non_exhaustive]
pub enum Message {
    /// 「トークンを取得」.
    New,
    /// A token of the list was chosen.
    Select(u32),
    /// The copy button.
    Copy,
    /// The rename button.
    Rename,
    /// The delete button: asks first.
    AskDelete,
    /// Deletion confirmed.
    ConfirmDelete,
    /// Deletion or discarding cancelled.
    Cancel,
    /// The export button: shows the warning.
    AskExport,
    /// The warning accepted: shows the URI and the QR code.
    ShowExport,
    /// Hides the export.
    HideExport,
    /// The import button.
    Import,
    /// Sets a passphrase.
    SetPassphrase,
    /// Removes the passphrase.
    RemovePassphrase,
    /// Unlocks with the passphrase typed.
    Unlock,
    /// Asks before deleting unreadable stored data.
    AskDiscard,
    /// Deleting unreadable data confirmed.
    ConfirmDiscard,
    /// Another tab changed the stored list.
    StorageChanged,
    /// Whether persistent storage was granted (`None`: the browser cannot tell).
    Persisted(Option<bool>),
    /// A task finished, with what to tell the customer.
    Done(Option<Notice>),
    /// A copy to the clipboard finished (it runs beside other work, and ends none).
    Copied(Notice),
    /// A task has the list to show before it is saved (a token just issued, whose code the
    /// customer can read while the list is written); the task goes on.
    Shown(Wallet),
}

impl Message {
    /// Whether the message asks for work that changes the list (which one task at a time does).
    fn starts_work(&self) -> bool {
        matches!(
            self,
            Message::Select(_)
                | Message::New
                | Message::Rename
                | Message::ConfirmDelete
                | Message::Import
                | Message::SetPassphrase
                | Message::RemovePassphrase
                | Message::Unlock
                | Message::ConfirmDiscard
        )
    }
}

/// Work for [`run`], outside any borrow of the panel. (No `Debug`: it may carry a passphrase.)
#[non_exhaustive]
pub enum Work {
    /// Reads the stored list at start; on a first visit (nothing stored), gets a token from the
    /// token service and labels it `label`, as the bank's customer guide starts.
    Start(String),
    /// Reads the stored list again (another tab wrote).
    Load,
    /// Gets a token from the token service and adds it, labelled.
    Issue(String),
    /// Changes the list, then says `done`.
    Apply(WalletOp, Text),
    /// Copies a code to the clipboard.
    Copy(String),
    /// Unlocks the list.
    Unlock(Zeroizing<String>),
    /// Protects the list with a passphrase.
    SetPassphrase(Zeroizing<String>),
    /// Goes back to the device key.
    RemovePassphrase,
    /// Deletes unreadable stored data.
    Discard,
    /// Asks for persistent storage.
    Persist,
}

/// A message for the customer, rendered in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// Good news.
    Info(Text),
    /// A problem described by the catalogue.
    Problem(Text),
    /// A bad `otpauth://` URI.
    Otpauth(OtpauthError),
    /// The list refused a change.
    Wallet(WalletError),
    /// A storage or passphrase problem.
    Vault(VaultError),
}

impl Notice {
    fn text(&self, lang: Lang) -> String {
        let pick = |ja: String, en: String| if lang == Lang::En { en } else { ja };
        match self {
            Notice::Info(t) | Notice::Problem(t) => t.get(lang).to_owned(),
            Notice::Otpauth(e) => pick(e.message_ja(), e.message_en()),
            Notice::Wallet(e) => pick(e.message_ja(), e.message_en()),
            Notice::Vault(e) => pick(e.message_ja(), e.message_en()),
        }
    }

    fn is_error(&self) -> bool {
        !matches!(self, Notice::Info(_))
    }
}

impl From<ChangeError> for Notice {
    fn from(e: ChangeError) -> Self {
        match e {
            ChangeError::Wallet(e) => Notice::Wallet(e),
            ChangeError::Vault(e) => Notice::Vault(e),
            ChangeError::Locked => Notice::Problem(Text::NeedUnlock),
            _ => Notice::Problem(Text::NotSavedFailed),
        }
    }
}

macro_rules! elements {
    ($($field:ident => $id:literal,)*) => {
        /// The panel's elements, by `data-testid`.
        struct Elements {
            $($field: Element,)*
        }

        impl Elements {
            fn find(doc: &Document) -> Result<Self, MissingElement> {
                let mut found = lookup(doc, &[$($id),*])?.into_iter();
                Ok(Self {
                    $($field: found.next().ok_or(MissingElement($id))?,)*
                })
            }
        }
    };
}

/// The elements with these `data-testid`s, in order; the first missing one is an error.
fn lookup(doc: &Document, ids: &[&'static str]) -> Result<Vec<Element>, MissingElement> {
    ids.iter()
        .map(|&id| {
            doc.query_selector(&format!("[data-testid=\"{id}\"]"))
                .ok()
                .flatten()
                .ok_or(MissingElement(id))
        })
        .collect()
}

elements! {
    list => "token-list",
    empty => "token-empty",
    face => "token-face",
    label => "token-label",
    id_caption => "token-id-caption",
    copy => "token-copy",
    new => "token-new",
    message => "token-message",
    manage => "token-manage",
    rename_input => "token-rename-input",
    rename => "token-rename",
    delete => "token-delete",
    delete_confirm => "token-delete-confirm",
    delete_yes => "token-delete-yes",
    delete_no => "token-delete-no",
    export => "token-export",
    export_warning => "token-export-warning",
    export_show => "token-export-show",
    export_shown => "token-export-shown",
    export_uri => "token-export-uri",
    export_hide => "token-export-hide",
    export_cancel => "token-export-cancel",
    import_input => "token-import-input",
    import => "token-import",
    protection => "token-protection",
    pass_box => "token-pass-box",
    pass_input => "token-pass-input",
    pass_set => "token-pass-set",
    pass_remove => "token-pass-remove",
    lock => "token-lock",
    unlock_input => "token-unlock-input",
    unlock => "token-unlock",
    storage => "token-storage",
    persist => "token-persist",
    discard => "token-discard",
    discard_confirm => "token-discard-confirm",
    discard_text => "token-discard-text",
    discard_yes => "token-discard-yes",
    discard_no => "token-discard-no",
}

/// What the token displays, for the staff's time lab: the codes it shows anyway, never the
/// secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Showing {
    /// The token in the list, and its Token ID when the token service issued it.
    pub token: (u32, Option<TokenId>),
    /// Its code parameters.
    pub params: Params,
    /// The code on show, digits only.
    pub code: String,
    /// The code's time step.
    pub step: u64,
}

/// The active token's code, next code and seconds left: the part of the panel drawn each
/// second.
pub struct Display {
    page: Page,
    /// The active token.
    token: Option<WalletToken>,
    /// What the display shows, as last drawn.
    showing: Option<Showing>,
}

impl Display {
    /// Draws the active token's code for Unix time `now`.
    pub fn draw(&mut self, now: u64) {
        let page = &self.page;
        let Some(token) = &self.token else {
            self.showing = None;
            for el in [
                &page.token_id,
                &page.token_code,
                &page.token_next,
                &page.token_remaining,
            ] {
                set_text(el, "");
            }
            return;
        };
        match CodeDisplay::at(&token.key.secret, &token.key.params, now) {
            Ok(shown) => {
                self.showing = Some(Showing {
                    token: (token.id, token.token_id.clone()),
                    params: token.key.params,
                    code: shown.code.clone(),
                    step: shown.step,
                });
                set_text(&page.token_code, &shown.grouped());
                mark_first_code();
                set_text(&page.token_next, &group_code(&shown.next));
                set_text(&page.token_remaining, &shown.remaining.to_string());
                attr(&page.token_bar, "max", &shown.period.to_string());
                attr(&page.token_bar, "value", &shown.remaining.to_string());
            }
            Err(e) => {
                self.showing = None;
                set_text(&page.token_code, "");
                set_text(&page.token_next, "");
                set_text(&page.status, &e.to_string());
            }
        }
    }

    /// What the display shows, as last drawn.
    pub fn showing(&self) -> Option<&Showing> {
        self.showing.as_ref()
    }
}

/// Ids and labels of the tokens listed, the active one, and whether the panel was busy.
type DrawnList = (Vec<(u32, String)>, Option<u32>, bool);

/// What the export part shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Export {
    Hidden,
    Warned,
    Shown,
}

/// The token panel's state, its elements, its owned display timer and listeners.
pub struct TokenPanel {
    /// The code display, shared with the page-load bench only (`app::bench_display_ticks`).
    display: Rc<RefCell<Display>>,
    els: Elements,
    /// Static labels (`data-t`) and their keys, rewritten when the language changes.
    labels: Vec<(Element, Text, Option<&'static str>)>,
    /// The page (its `<html lang>` is the language shown).
    doc: Document,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    wallet: Wallet,
    lang: Option<Lang>,
    notice: Option<Notice>,
    confirm_delete: bool,
    confirm_discard: bool,
    export: Export,
    busy: bool,
    reload_pending: bool,
    persisted: Option<Option<bool>>,
    /// The list as last drawn (ids, labels, active): redrawn only when it changed.
    drawn_list: Option<DrawnList>,
    /// The timer that fires at the next whole second; owned, so dropping the panel stops it.
    timer: Option<Timeout>,
    _listeners: Vec<EventListener>,
}

fn on_click(el: &Element, dispatch: &Dispatch<Message>, message: fn() -> Message) -> EventListener {
    let dispatch = dispatch.clone();
    EventListener::new(el, "click", move |_| dispatch.send(message()))
}

fn show(el: &Element, shown: bool) {
    if shown {
        if el.has_attribute("hidden") {
            let _ = el.remove_attribute("hidden");
        }
    } else if !el.has_attribute("hidden") {
        let _ = el.set_attribute("hidden", "");
    }
}

fn attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Marks the moment the first code is written, once per page, as the Performance API mark
/// `webtoken-first-code` that the page-load bench reads (`scripts/bench.py`).
fn mark_first_code() {
    static MARKED: AtomicBool = AtomicBool::new(false);
    if !MARKED.swap(true, Ordering::Relaxed) {
        super::page::mark("webtoken-first-code");
    }
}

fn input_value(el: &Element) -> String {
    el.dyn_ref::<HtmlInputElement>()
        .map(HtmlInputElement::value)
        .unwrap_or_default()
}

fn clear_input(el: &Element) {
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value("");
    }
}

impl TokenPanel {
    /// Finds the panel's elements in `doc`, wires its controls to `dispatch` and shows the
    /// list in `store`. Call [`TokenPanel::tick`] to start the display, and run
    /// [`Work::Load`] and [`Work::Persist`].
    pub fn mount(
        page: Page,
        doc: &Document,
        store: Rc<WalletStore>,
        service: Rc<ServiceHandle>,
        dispatch: Dispatch<Message>,
    ) -> Result<Self, MissingElement> {
        let els = Elements::find(doc)?;
        let mut labels = Vec::new();
        // Text in `data-t`, an `alt` in `data-t-alt`, an `aria-label` in `data-t-aria`.
        for (marker, target) in [
            ("data-t", None),
            ("data-t-alt", Some("alt")),
            ("data-t-aria", Some("aria-label")),
        ] {
            let Ok(found) = doc.query_selector_all(&format!("[{marker}]")) else {
                continue;
            };
            for i in 0..found.length() {
                let Some(el) = found.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                if let Some(key) = el.get_attribute(marker).and_then(|k| Text::from_name(&k)) {
                    labels.push((el, key, target));
                }
            }
        }
        let mut listeners = vec![
            on_click(&els.new, &dispatch, || Message::New),
            on_click(&els.copy, &dispatch, || Message::Copy),
            on_click(&els.rename, &dispatch, || Message::Rename),
            on_click(&els.delete, &dispatch, || Message::AskDelete),
            on_click(&els.delete_yes, &dispatch, || Message::ConfirmDelete),
            on_click(&els.delete_no, &dispatch, || Message::Cancel),
            on_click(&els.export, &dispatch, || Message::AskExport),
            on_click(&els.export_show, &dispatch, || Message::ShowExport),
            on_click(&els.export_hide, &dispatch, || Message::HideExport),
            on_click(&els.export_cancel, &dispatch, || Message::HideExport),
            on_click(&els.import, &dispatch, || Message::Import),
            on_click(&els.pass_set, &dispatch, || Message::SetPassphrase),
            on_click(&els.pass_remove, &dispatch, || Message::RemovePassphrase),
            on_click(&els.unlock, &dispatch, || Message::Unlock),
            on_click(&els.discard, &dispatch, || Message::AskDiscard),
            on_click(&els.discard_yes, &dispatch, || Message::ConfirmDiscard),
            on_click(&els.discard_no, &dispatch, || Message::Cancel),
            // One listener for the whole list: the pressed item names its token.
            EventListener::new(&els.list, "click", {
                let dispatch = dispatch.clone();
                move |event| {
                    let id = event
                        .target()
                        .and_then(|t| t.dyn_into::<Element>().ok())
                        .and_then(|el| el.closest("[data-token]").ok().flatten())
                        .and_then(|el| el.get_attribute("data-token"))
                        .and_then(|id| id.parse().ok());
                    if let Some(id) = id {
                        dispatch.send(Message::Select(id));
                    }
                }
            }),
        ];
        // Another tab wrote the list: read it again.
        if let Some(window) = web_sys::window() {
            let key = store.full_key();
            let dispatch = dispatch.clone();
            listeners.push(EventListener::new(&window, "storage", move |event| {
                let ours = event
                    .dyn_ref::<web_sys::StorageEvent>()
                    .is_some_and(|e| e.key().is_none_or(|k| k == key));
                if ours {
                    dispatch.send(Message::StorageChanged);
                }
            }));
        }
        // Enter in a field presses its button.
        for (input, message) in [
            (&els.import_input, (|| Message::Import) as fn() -> Message),
            (&els.unlock_input, || Message::Unlock),
            (&els.rename_input, || Message::Rename),
        ] {
            let dispatch = dispatch.clone();
            listeners.push(EventListener::new(input, "keydown", move |event| {
                let enter = event
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Enter");
                if enter {
                    dispatch.send(message());
                }
            }));
        }
        let wallet = store.wallet();
        Ok(Self {
            display: Rc::new(RefCell::new(Display {
                page,
                token: None,
                showing: None,
            })),
            els,
            labels,
            doc: doc.clone(),
            store,
            service,
            wallet,
            lang: None,
            notice: None,
            confirm_delete: false,
            confirm_discard: false,
            export: Export::Hidden,
            busy: true,
            reload_pending: false,
            persisted: None,
            drawn_list: None,
            timer: None,
            _listeners: listeners,
        })
    }

    /// The stored list, for tasks.
    pub fn store(&self) -> Rc<WalletStore> {
        Rc::clone(&self.store)
    }

    /// Renders the display for the current second and has `tick` told at the next one.
    pub fn tick(&mut self, tick: Dispatch<()>) {
        let now_ms = clock::now_ms();
        self.render_at(clock::seconds_of(now_ms));
        // The fired timer is dropped here, in the loop, not inside its own callback.
        self.timer = Some(Timeout::new(clock::ms_to_next_second(now_ms), move || {
            tick.send(())
        }));
    }

    /// The code display, for the page-load bench.
    pub fn display(&self) -> Weak<RefCell<Display>> {
        Rc::downgrade(&self.display)
    }

    /// Draws the display again at once (the clock was shifted, or the page's language
    /// changed), leaving the timer as it is.
    pub fn redraw(&mut self) {
        self.render_at(clock::now_seconds());
    }

    /// What the display shows, as last drawn: for the staff's time lab.
    pub fn showing(&self) -> Option<Showing> {
        self.display.borrow().showing.clone()
    }

    fn active(&self) -> Option<&WalletToken> {
        self.wallet.active()
    }

    /// Handles a message; the work it asks for, if any.
    pub fn update(&mut self, message: Message) -> Option<Work> {
        // While a task runs, nothing else starts (a new token's code shows while the token is
        // still being saved). The buttons that would start one are disabled; a press that gets
        // through anyway (a token in the list, Enter in a field) changes nothing, not even its
        // field: what the customer typed is still there once the panel is ready.
        if self.busy && message.starts_work() {
            return None;
        }
        let lang = self.lang.unwrap_or_default();
        let work = match message {
            Message::Done(notice) => {
                self.busy = false;
                self.wallet = self.store.wallet();
                if notice.is_some() {
                    self.notice = notice;
                }
                if self.reload_pending {
                    self.reload_pending = false;
                    self.busy = true;
                    Some(Work::Load)
                } else {
                    None
                }
            }
            // Only while the work that sent it runs: its answer has the last word.
            Message::Shown(wallet) if self.busy => {
                self.wallet = wallet;
                None
            }
            Message::Shown(_) => None,
            Message::Copied(notice) => {
                self.notice = Some(notice);
                None
            }
            Message::Persisted(granted) => {
                self.persisted = Some(granted);
                None
            }
            Message::StorageChanged if self.busy => {
                self.reload_pending = true;
                None
            }
            Message::StorageChanged => {
                self.export = Export::Hidden;
                self.start(Work::Load)
            }
            Message::Select(id) => {
                if self.active().map(|t| t.id) != Some(id) {
                    self.export = Export::Hidden;
                    self.confirm_delete = false;
                }
                self.start(Work::Apply(WalletOp::Activate(id), Text::Saved))
            }
            Message::Copy => self.active().and_then(|t| {
                CodeDisplay::at(&t.key.secret, &t.key.params, clock::now_seconds())
                    .ok()
                    .map(|shown| Work::Copy(shown.code))
            }),
            Message::New => {
                if self.store.not_saved() == Some(NotSaved::Locked) {
                    self.notice = Some(Notice::Problem(Text::NeedUnlock));
                    None
                } else {
                    self.start(Work::Issue(Text::DefaultLabel.get(lang).to_owned()))
                }
            }
            Message::Rename => {
                let label = input_value(&self.els.rename_input);
                match self.active() {
                    Some(t) => {
                        let op = WalletOp::Rename(t.id, label);
                        self.start(Work::Apply(op, Text::Renamed))
                    }
                    None => None,
                }
            }
            Message::AskDelete => {
                self.confirm_delete = self.active().is_some();
                None
            }
            Message::ConfirmDelete => {
                self.confirm_delete = false;
                self.export = Export::Hidden;
                match self.active() {
                    Some(t) => {
                        let op = WalletOp::Remove(t.id);
                        self.start(Work::Apply(op, Text::Deleted))
                    }
                    None => None,
                }
            }
            Message::Cancel => {
                self.confirm_delete = false;
                self.confirm_discard = false;
                None
            }
            Message::AskExport => {
                self.export = Export::Warned;
                None
            }
            Message::ShowExport => {
                self.export = Export::Shown;
                self.draw_export();
                None
            }
            Message::HideExport => {
                self.export = Export::Hidden;
                None
            }
            Message::Import => {
                let text = Zeroizing::new(input_value(&self.els.import_input));
                match KeyUri::parse(&text) {
                    Err(e) => {
                        self.notice = Some(Notice::Otpauth(e));
                        None
                    }
                    Ok(key) => {
                        clear_input(&self.els.import_input);
                        let label: String = key
                            .issuer
                            .clone()
                            .unwrap_or_else(|| key.account.clone())
                            .chars()
                            .take(webtoken_token::wallet::MAX_LABEL_CHARS)
                            .collect();
                        let op = WalletOp::Add {
                            label,
                            token_id: None,
                            key,
                        };
                        self.start(Work::Apply(op, Text::Imported))
                    }
                }
            }
            Message::SetPassphrase => {
                let pass = Zeroizing::new(input_value(&self.els.pass_input));
                clear_input(&self.els.pass_input);
                self.start(Work::SetPassphrase(pass))
            }
            Message::RemovePassphrase => self.start(Work::RemovePassphrase),
            Message::Unlock => {
                let pass = Zeroizing::new(input_value(&self.els.unlock_input));
                clear_input(&self.els.unlock_input);
                self.start(Work::Unlock(pass))
            }
            Message::AskDiscard => {
                self.confirm_discard = true;
                None
            }
            Message::ConfirmDiscard => {
                self.confirm_discard = false;
                self.start(Work::Discard)
            }
        };
        self.render_at(clock::now_seconds());
        work
    }

    /// Starts `work` unless another task is running.
    fn start(&mut self, work: Work) -> Option<Work> {
        if self.busy {
            return None;
        }
        self.busy = true;
        self.notice = None;
        Some(work)
    }

    /// The language to show: the bank section's, else the page's.
    fn current_lang(&self) -> Lang {
        super::page::page_lang(&self.doc)
    }

    fn draw_export(&self) {
        let Some(token) = self.active() else {
            return;
        };
        let uri = Zeroizing::new(token.key.to_uri());
        set_text(&self.els.export_uri, &uri);
        if let (Ok(code), Ok(img)) = (
            QrCode::encode(uri.as_bytes(), EcLevel::M),
            self.doc.create_element("img"),
        ) {
            // Our own SVG as an image (a data: URL, which the CSP allows for images): it is
            // never parsed into the page's DOM.
            let svg = Zeroizing::new(code.to_svg(4));
            let url: String = js_sys::encode_uri_component(&svg).into();
            let lang = self.lang.unwrap_or_default();
            for (name, value) in [
                ("data-testid", "token-export-qr"),
                ("alt", Text::QrAlt.get(lang)),
                ("width", "200"),
                ("height", "200"),
                ("src", &format!("data:image/svg+xml,{url}")),
            ] {
                let _ = img.set_attribute(name, value);
            }
            let _ = self
                .els
                .export_shown
                .insert_before(&img, Some(&self.els.export_uri));
        }
    }

    fn clear_export(&self) {
        if self
            .els
            .export_uri
            .text_content()
            .is_some_and(|t| !t.is_empty())
        {
            set_text(&self.els.export_uri, "");
        }
        if let Ok(Some(img)) = self.els.export_shown.query_selector("img") {
            img.remove();
        }
    }

    /// Writes the whole state into the panel for Unix time `now`.
    fn render_at(&mut self, now: u64) {
        let lang = self.current_lang();
        if self.lang != Some(lang) {
            self.lang = Some(lang);
            for (el, key, target) in &self.labels {
                match target {
                    None => set_text(el, key.get(lang)),
                    Some(name) => attr(el, name, key.get(lang)),
                }
            }
            self.drawn_list = None;
        }
        let t = |key: Text| key.get(lang);
        let els = &self.els;
        let not_saved = self.store.not_saved();
        let locked = not_saved == Some(NotSaved::Locked);

        // The list of tokens, as buttons; labels as text.
        let list: Vec<(u32, String)> = self
            .wallet
            .tokens()
            .iter()
            .map(|t| (t.id, t.label.clone()))
            .collect();
        let active_id = self.wallet.active().map(|t| t.id);
        // Drawn again when the panel turns busy or ready: choosing another token starts work
        // too (the choice is saved), so the list's buttons are disabled with the others.
        let drawn = Some((list, active_id, self.busy));
        if self.drawn_list != drawn {
            els.list.set_text_content(None);
            if let Some((items, active, busy)) = &drawn {
                for (id, label) in items {
                    let (Ok(li), Ok(button)) = (
                        self.doc.create_element("li"),
                        self.doc.create_element("button"),
                    ) else {
                        continue;
                    };
                    let _ = button.set_attribute("type", "button");
                    if *busy {
                        let _ = button.set_attribute("disabled", "");
                    }
                    let _ = button.set_attribute("data-token", &id.to_string());
                    let _ = button.set_attribute(
                        "aria-pressed",
                        if Some(*id) == *active {
                            "true"
                        } else {
                            "false"
                        },
                    );
                    button.set_text_content(Some(label));
                    let _ = li.append_child(&button);
                    let _ = els.list.append_child(&li);
                }
            }
            show(&els.list, self.wallet.tokens().len() > 1);
            self.drawn_list = drawn;
        }

        // The active token.
        let active = self.wallet.active();
        show(&els.face, active.is_some());
        show(&els.manage, active.is_some());
        let unreadable = matches!(not_saved, Some(NotSaved::Unreadable(_)));
        show(&els.empty, active.is_none() && !locked && !unreadable);
        match active {
            Some(token) => {
                set_text(&els.label, &token.label);
                match &token.token_id {
                    Some(id) => {
                        set_text(&els.id_caption, t(Text::TokenIdCaption));
                        set_text(&self.display.borrow().page.token_id, &id.grouped());
                    }
                    None => {
                        set_text(&els.id_caption, t(Text::AccountCaption));
                        set_text(&self.display.borrow().page.token_id, &token.key.account);
                    }
                }
                let mut display = self.display.borrow_mut();
                display.token = Some(token.clone());
                display.draw(now);
                let renaming = self.doc.active_element().as_ref() == Some(&els.rename_input);
                if !renaming
                    && let Some(input) = els.rename_input.dyn_ref::<HtmlInputElement>()
                    && input.value().is_empty()
                {
                    input.set_placeholder(&token.label);
                }
            }
            None => {
                let mut display = self.display.borrow_mut();
                display.token = None;
                display.draw(now);
            }
        }
        show(&els.delete_confirm, self.confirm_delete && active.is_some());
        show(&els.delete, !self.confirm_delete);
        show(&els.export_warning, self.export == Export::Warned);
        show(&els.export_shown, self.export == Export::Shown);
        show(&els.export, self.export == Export::Hidden);
        if self.export != Export::Shown {
            self.clear_export();
        }

        // Storage and protection.
        show(&els.lock, locked);
        show(&els.pass_box, !locked && not_saved.is_none());
        let passphrase = self.store.uses_passphrase();
        show(&els.pass_remove, passphrase);
        set_text(
            &els.protection,
            t(if passphrase {
                Text::ProtectedByPassphrase
            } else {
                Text::ProtectedByDevice
            }),
        );
        show(&els.protection, !locked && not_saved.is_none());
        let mut lines = Vec::new();
        // Japanese sentences end in 「。」 and need no space between them.
        let sep = if lang == Lang::En { " " } else { "" };
        let describe = |problem: &NotSaved| -> String {
            match problem {
                NotSaved::Blocked => t(Text::NotSavedBlocked).to_owned(),
                NotSaved::Full => t(Text::NotSavedFull).to_owned(),
                NotSaved::NoKeys => t(Text::NotSavedNoKeys).to_owned(),
                NotSaved::Locked => t(Text::Locked).to_owned(),
                NotSaved::Unreadable(e) => {
                    let why = if lang == Lang::En {
                        e.message_en()
                    } else {
                        e.message_ja()
                    };
                    format!("{why}{sep}{}", t(Text::UnreadableKept))
                }
                _ => t(Text::NotSavedFailed).to_owned(),
            }
        };
        match &not_saved {
            None => lines.push(t(Text::Saved).to_owned()),
            // The unlock form says it.
            Some(NotSaved::Locked) => {}
            Some(problem) => lines.push(describe(problem)),
        }
        let service_problem = self.service.not_saved();
        if let Some(problem) = &service_problem {
            lines.push(format!("{}{}", t(Text::ServicePrefix), describe(problem)));
        }
        set_text(&els.storage, &lines.join(sep));
        let trouble = (not_saved.is_some() && !locked) || service_problem.is_some();
        attr(
            &els.storage,
            "class",
            if trouble {
                "token-storage error"
            } else {
                "token-storage"
            },
        );
        let discardable =
            |p: &Option<NotSaved>| matches!(p, Some(NotSaved::Unreadable(_) | NotSaved::Locked));
        let can_discard =
            discardable(&not_saved) || matches!(service_problem, Some(NotSaved::Unreadable(_)));
        show(&els.discard, can_discard && !self.confirm_discard);
        let (discard, confirm) = if locked {
            (Text::DiscardLocked, Text::DiscardLockedConfirm)
        } else {
            (Text::Discard, Text::DiscardConfirm)
        };
        set_text(&els.discard, t(discard));
        set_text(&els.discard_text, t(confirm));
        show(&els.discard_confirm, can_discard && self.confirm_discard);
        match self.persisted {
            None => show(&els.persist, false),
            Some(granted) => {
                show(&els.persist, true);
                set_text(
                    &els.persist,
                    t(match granted {
                        Some(true) => Text::PersistGranted,
                        Some(false) => Text::PersistDenied,
                        None => Text::PersistUnknown,
                    }),
                );
            }
        }

        // Feedback.
        let (text, error) = match (&self.notice, self.busy) {
            (Some(n), _) => (n.text(lang), n.is_error()),
            (None, true) => (t(Text::Busy).to_owned(), false),
            (None, false) => (String::new(), false),
        };
        set_text(&els.message, &text);
        attr(
            &els.message,
            "class",
            if error {
                "token-message error"
            } else {
                "token-message"
            },
        );
        for control in [
            &els.new,
            &els.rename,
            &els.delete_yes,
            &els.import,
            &els.pass_set,
            &els.pass_remove,
            &els.unlock,
            &els.discard_yes,
        ] {
            if let Some(button) = control.dyn_ref::<web_sys::HtmlButtonElement>() {
                button.set_disabled(self.busy);
            }
        }
        show(&els.new, !locked);
    }
}

/// Does `work`; the message that reports it. `show` takes what the panel can show before the
/// work is done ([`Message::Shown`]).
pub async fn run(
    work: Work,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    show: &dyn Fn(Message),
) -> Message {
    let notice = match work {
        Work::Load => store.reload().await.then_some(Notice::Info(Text::OtherTab)),
        Work::Start(label) => {
            // The token service's records are read alongside the token's list, not before
            // it: a returning customer's code goes on show as soon as the list is read.
            let reading = Rc::clone(&service);
            wasm_bindgen_futures::spawn_local(async move { reading.load().await });
            store.reload().await;
            if !store.is_first_visit() {
                return Message::Done(None);
            }
            // A first visit: the records must be read before a token is issued into them
            // (this waits for the read above, then finds nothing new).
            service.load().await;
            issue(&store, &service, label, show).await
        }
        Work::Persist => return Message::Persisted(persist().await),
        Work::Issue(label) => issue(&store, &service, label, show).await,
        Work::Apply(op, done) => {
            let quiet = matches!(op, WalletOp::Activate(_));
            match store.apply(op).await {
                Ok(_) if quiet => None,
                Ok(_) => Some(Notice::Info(done)),
                Err(e) => Some(e.into()),
            }
        }
        Work::Copy(code) => {
            return Message::Copied(if copy(&code).await {
                Notice::Info(Text::Copied)
            } else {
                Notice::Problem(Text::CopyFailed)
            });
        }
        Work::Unlock(pass) => Some(match store.unlock(&pass).await {
            Ok(()) => Notice::Info(Text::Unlocked),
            Err(e) => e.into(),
        }),
        Work::SetPassphrase(pass) => Some(match store.set_passphrase(&pass).await {
            Ok(()) => Notice::Info(Text::PassphraseSet),
            Err(e) => e.into(),
        }),
        Work::RemovePassphrase => Some(match store.remove_passphrase().await {
            Ok(()) => Notice::Info(Text::PassphraseRemoved),
            Err(e) => e.into(),
        }),
        Work::Discard => {
            let a = store.discard().await;
            let b = service.discard_unreadable().await;
            (a || b).then_some(Notice::Info(Text::Discarded))
        }
    };
    Message::Done(notice)
}

/// Gets a credential from the token service and adds it to the list as the active token. The
/// list with the new token is shown as soon as the credential is issued, before the service's
/// records and the list are saved: on a first visit, saving waits for the key store to be
/// created, and the code need not.
async fn issue(
    store: &WalletStore,
    service: &ServiceHandle,
    label: String,
    show: &dyn Fn(Message),
) -> Option<Notice> {
    let add = |issued: &Issued| WalletOp::Add {
        label: label.clone(),
        token_id: Some(issued.token_id.clone()),
        key: KeyUri {
            issuer: Some(SERVICE_ISSUER.to_owned()),
            account: issued.token_id.as_str().to_owned(),
            secret: issued.secret.clone(),
            params: issued.params,
        },
    };
    let shown = |issued: &Issued| {
        let mut wallet = store.wallet();
        if wallet.apply(&add(issued)).is_ok() {
            show(Message::Shown(wallet));
        }
    };
    let Ok(issued) = service.issue_shown(clock::now_seconds(), &shown).await else {
        return Some(Notice::Problem(Text::IssueFailed));
    };
    Some(match store.apply(add(&issued)).await {
        Ok(_) => Notice::Info(Text::Issued),
        Err(e) => e.into(),
    })
}

/// Copies `text` to the clipboard (only ever on the customer's press).
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}

/// Asks the browser to keep this site's storage (`navigator.storage.persist()`).
async fn persist() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}
