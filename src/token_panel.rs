//! The token panel in the browser: the customer's software token on the page.
//!
//! What the panel does is decided by the pure core ([`webtoken_token::panel`]): its state,
//! the [`Message`]s that change it, the [`Effect`]s it asks for and the view it shows. This
//! shell looks the panel's elements up once, turns presses into messages (reading a field at
//! its press), draws the view, and runs the effects ([`run`]: storage, WebCrypto, the token
//! service, the clipboard), whose answers come back as messages through the app's queue. All
//! text is set as text, never as HTML.

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
use webtoken_token::otpauth::KeyUri;
use webtoken_token::panel::{
    CodeView, ExportView, Field, ListEntry, Panel, PanelView, Problem, Storage, Typed,
};
pub use webtoken_token::panel::{Effect, Message, Notice, Showing};
use webtoken_token::qr::{EcLevel, QrCode};
use webtoken_token::text::{Lang, Text};
use webtoken_token::wallet::{SERVICE_ISSUER, WalletOp, WalletToken};
use webtoken_token_service::Issued;

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

/// The active token's code, next code and seconds left: the part of the panel drawn each
/// second (and by the page-load bench).
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
        let code = self.token.as_ref().map(|token| CodeView::at(token, now));
        self.show(code.as_ref());
    }

    /// Writes `code` (`None`: no active token).
    fn show(&mut self, code: Option<&Result<CodeView, String>>) {
        let page = &self.page;
        self.showing = None;
        match code {
            None => {
                for el in [
                    &page.token_id,
                    &page.token_code,
                    &page.token_next,
                    &page.token_remaining,
                ] {
                    set_text(el, "");
                }
            }
            Some(Ok(code)) => {
                self.showing = Some(code.showing.clone());
                set_text(&page.token_code, &code.code);
                mark_first_code();
                set_text(&page.token_next, &code.next);
                set_text(&page.token_remaining, &code.remaining.to_string());
                attr(&page.token_bar, "max", &code.period.to_string());
                attr(&page.token_bar, "value", &code.remaining.to_string());
            }
            Some(Err(e)) => {
                set_text(&page.token_code, "");
                set_text(&page.token_next, "");
                set_text(&page.status, e);
            }
        }
    }

    /// What the display shows, as last drawn.
    pub fn showing(&self) -> Option<&Showing> {
        self.showing.as_ref()
    }
}

/// The list as last drawn, and whether it was drawn busy: drawn again only when it changed.
type DrawnList = (Vec<ListEntry>, bool);

/// The token panel: its state, its elements, its owned display timer and listeners.
pub struct TokenPanel {
    panel: Panel,
    els: Elements,
    /// Static labels (`data-t`) and their keys, rewritten when the language changes.
    labels: Vec<(Element, Text, Option<&'static str>)>,
    /// The page (its `<html lang>` is the language shown).
    doc: Document,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    lang: Option<Lang>,
    drawn_list: Option<DrawnList>,
    /// The code display, shared with the page-load bench only (`app::bench_display_ticks`).
    display: Rc<RefCell<Display>>,
    /// The timer that fires at the next whole second; owned, so dropping the panel stops it.
    timer: Option<Timeout>,
    _listeners: Vec<EventListener>,
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

/// What a press sends: a fixed message, or one made of what a field holds at the press.
#[derive(Clone, Copy)]
enum Press {
    Fixed(fn() -> Message),
    Read(fn(String) -> Message),
}

impl Press {
    fn message(self, field: &Element) -> Message {
        match self {
            Press::Fixed(message) => message(),
            Press::Read(message) => message(input_value(field)),
        }
    }
}

/// Why a store is not saved, for the core.
fn problem(not_saved: NotSaved) -> Problem {
    match not_saved {
        NotSaved::Blocked => Problem::Blocked,
        NotSaved::Full => Problem::Full,
        NotSaved::NoKeys => Problem::NoKeys,
        NotSaved::Unreadable(e) => Problem::Unreadable(e),
        NotSaved::Locked => Problem::Locked,
        _ => Problem::Failed,
    }
}

/// What to tell the customer of a refused change.
fn refused(e: ChangeError) -> Notice {
    match e {
        ChangeError::Wallet(e) => Notice::Wallet(e),
        ChangeError::Vault(e) => Notice::Vault(e),
        ChangeError::Locked => Notice::Problem(Text::NeedUnlock),
        _ => Notice::Problem(Text::NotSavedFailed),
    }
}

impl TokenPanel {
    /// Finds the panel's elements in `doc` and wires its controls to `dispatch`. It shows the
    /// list in `store`, busy until the start-up work ([`webtoken_token::panel::boot`])
    /// answers; call [`TokenPanel::tick`] to start the display.
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
        let rename = Press::Read(Message::Rename);
        let import = Press::Read(|text| Message::Import(Typed::new(text)));
        let unlock = Press::Read(|text| Message::Unlock(Typed::new(text)));
        let fixed = Press::Fixed;
        let mut listeners = Vec::new();
        for (button, press, field) in [
            (&els.new, fixed(|| Message::New), None),
            (&els.copy, fixed(|| Message::Copy), None),
            (&els.rename, rename, Some(&els.rename_input)),
            (&els.delete, fixed(|| Message::AskDelete), None),
            (&els.delete_yes, fixed(|| Message::ConfirmDelete), None),
            (&els.delete_no, fixed(|| Message::Cancel), None),
            (&els.export, fixed(|| Message::AskExport), None),
            (&els.export_show, fixed(|| Message::ShowExport), None),
            (&els.export_hide, fixed(|| Message::HideExport), None),
            (&els.export_cancel, fixed(|| Message::HideExport), None),
            (&els.import, import, Some(&els.import_input)),
            (
                &els.pass_set,
                Press::Read(|text| Message::SetPassphrase(Typed::new(text))),
                Some(&els.pass_input),
            ),
            (&els.pass_remove, fixed(|| Message::RemovePassphrase), None),
            (&els.unlock, unlock, Some(&els.unlock_input)),
            (&els.discard, fixed(|| Message::AskDiscard), None),
            (&els.discard_yes, fixed(|| Message::ConfirmDiscard), None),
            (&els.discard_no, fixed(|| Message::Cancel), None),
        ] {
            let (dispatch, field) = (dispatch.clone(), field.unwrap_or(button).clone());
            listeners.push(EventListener::new(button, "click", move |_| {
                dispatch.send(press.message(&field));
            }));
        }
        // Enter in a field presses its button.
        for (input, press) in [
            (&els.import_input, import),
            (&els.unlock_input, unlock),
            (&els.rename_input, rename),
        ] {
            let (dispatch, field) = (dispatch.clone(), input.clone());
            listeners.push(EventListener::new(input, "keydown", move |event| {
                let enter = event
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Enter");
                if enter {
                    dispatch.send(press.message(&field));
                }
            }));
        }
        // One listener for the whole list: the pressed item names its token.
        let select = dispatch.clone();
        listeners.push(EventListener::new(&els.list, "click", move |event| {
            let id = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-token]").ok().flatten())
                .and_then(|el| el.get_attribute("data-token"))
                .and_then(|id| id.parse().ok());
            if let Some(id) = id {
                select.send(Message::Select(id));
            }
        }));
        // Another tab wrote the list: read it again.
        if let Some(window) = web_sys::window() {
            let key = store.full_key();
            listeners.push(EventListener::new(&window, "storage", move |event| {
                let ours = event
                    .dyn_ref::<web_sys::StorageEvent>()
                    .is_some_and(|e| e.key().is_none_or(|k| k == key));
                if ours {
                    dispatch.send(Message::StorageChanged);
                }
            }));
        }
        Ok(Self {
            panel: Panel::new(store.wallet()),
            els,
            labels,
            doc: doc.clone(),
            store,
            service,
            lang: None,
            drawn_list: None,
            display: Rc::new(RefCell::new(Display {
                page,
                token: None,
                showing: None,
            })),
            timer: None,
            _listeners: listeners,
        })
    }

    /// The stored list, for the work.
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

    /// Draws the panel again at once (the clock was shifted, or the page's language
    /// changed), leaving the timer as it is.
    pub fn redraw(&mut self) {
        self.render_at(clock::now_seconds());
    }

    /// Whether the panel is still in the document.
    pub fn on_page(&self) -> bool {
        self.els.face.is_connected()
    }

    /// The code display, for the page-load bench.
    pub fn display(&self) -> Weak<RefCell<Display>> {
        Rc::downgrade(&self.display)
    }

    /// What the display shows, as last drawn: for the staff's time lab.
    pub fn showing(&self) -> Option<Showing> {
        self.display.borrow().showing.clone()
    }

    /// The state of storage, as the stores report it.
    fn storage(&self) -> Storage {
        Storage {
            list: self.store.not_saved().map(problem),
            passphrase: self.store.uses_passphrase(),
            service: self.service.not_saved().map(problem),
        }
    }

    /// Handles a message and draws the panel; the work it asks for, for [`run`].
    pub fn update(&mut self, message: Message) -> Vec<Effect> {
        let lang = self.lang.unwrap_or_default();
        let effects = self
            .panel
            .update(message, clock::now_seconds(), lang, &self.storage());
        let mut work = Vec::new();
        for effect in effects {
            match effect {
                Effect::Clear(field) => {
                    let input = match field {
                        Field::Import => &self.els.import_input,
                        Field::Passphrase => &self.els.pass_input,
                        Field::Unlock => &self.els.unlock_input,
                    };
                    if let Some(input) = input.dyn_ref::<HtmlInputElement>() {
                        input.set_value("");
                    }
                }
                other => work.push(other),
            }
        }
        self.render_at(clock::now_seconds());
        work
    }

    /// Draws the export: the URI as text, and its QR code as an image.
    fn draw_export(&self, uri: &str) {
        set_text(&self.els.export_uri, uri);
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

    /// Draws the panel for Unix time `now`.
    fn render_at(&mut self, now: u64) {
        let lang = super::page::page_lang(&self.doc);
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
        let view = self.panel.view(now, lang, &self.storage());
        self.render(&view);
    }

    /// Writes `view` into the panel.
    fn render(&mut self, view: &PanelView) {
        let els = &self.els;
        let drawn = Some((view.list.clone(), view.busy));
        if self.drawn_list != drawn {
            els.list.set_text_content(None);
            for entry in &view.list {
                let (Ok(li), Ok(button)) = (
                    self.doc.create_element("li"),
                    self.doc.create_element("button"),
                ) else {
                    continue;
                };
                let _ = button.set_attribute("type", "button");
                if view.busy {
                    let _ = button.set_attribute("disabled", "");
                }
                let _ = button.set_attribute("data-token", &entry.id.to_string());
                let pressed = if entry.active { "true" } else { "false" };
                let _ = button.set_attribute("aria-pressed", pressed);
                button.set_text_content(Some(&entry.label));
                let _ = li.append_child(&button);
                let _ = els.list.append_child(&li);
            }
            self.drawn_list = drawn;
        }
        show(&els.list, view.list_shown);

        // The active token.
        show(&els.face, view.active.is_some());
        show(&els.manage, view.active.is_some());
        show(&els.empty, view.empty_shown);
        let mut display = self.display.borrow_mut();
        let active = self.panel.wallet().active();
        if display.token.as_ref() != active {
            display.token = active.cloned();
        }
        display.show(view.code.as_ref());
        if let Some(token) = &view.active {
            set_text(&els.label, &token.label);
            set_text(&els.id_caption, token.id_caption);
            set_text(&display.page.token_id, &token.id);
            let renaming = self.doc.active_element().as_ref() == Some(&els.rename_input);
            if !renaming
                && let Some(input) = els.rename_input.dyn_ref::<HtmlInputElement>()
                && input.value().is_empty()
            {
                input.set_placeholder(&token.label);
            }
        }
        drop(display);
        show(&els.delete_confirm, view.delete_confirm_shown);
        show(&els.delete, view.delete_shown);
        show(&els.export_warning, view.export == ExportView::Warned);
        show(
            &els.export_shown,
            matches!(view.export, ExportView::Shown(_)),
        );
        show(&els.export, view.export == ExportView::Hidden);
        match &view.export {
            ExportView::Shown(uri) if !uri.is_empty() => {
                if els.export_uri.text_content().as_deref() != Some(uri.as_str()) {
                    self.clear_export();
                    self.draw_export(uri);
                }
            }
            _ => self.clear_export(),
        }

        // Storage and protection.
        show(&els.lock, view.lock_shown);
        show(&els.pass_box, view.pass_box_shown);
        show(&els.pass_remove, view.pass_remove_shown);
        if let Some(protection) = view.protection {
            set_text(&els.protection, protection);
        }
        show(&els.protection, view.protection.is_some());
        set_text(&els.storage, &view.storage);
        let class = if view.storage_trouble {
            "token-storage error"
        } else {
            "token-storage"
        };
        attr(&els.storage, "class", class);
        show(&els.discard, view.discard_shown);
        set_text(&els.discard, view.discard_label);
        set_text(&els.discard_text, view.discard_question);
        show(&els.discard_confirm, view.discard_confirm_shown);
        if let Some(persist) = view.persist {
            set_text(&els.persist, persist);
        }
        show(&els.persist, view.persist.is_some());

        // Feedback.
        set_text(&els.message, &view.message);
        let class = if view.message_error {
            "token-message error"
        } else {
            "token-message"
        };
        attr(&els.message, "class", class);
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
                button.set_disabled(view.busy);
            }
        }
        show(&els.new, view.new_shown);
    }
}

/// Does the work `effect` asks for; the message that reports it (`None`: not work, such as
/// [`Effect::Clear`], which the panel does itself). `show` takes what the panel can show
/// before the work is done ([`Message::Shown`]).
pub async fn run(
    effect: Effect,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    show: &dyn Fn(Message),
) -> Option<Message> {
    let notice = match effect {
        Effect::Load => store.reload().await.then_some(Notice::Info(Text::OtherTab)),
        Effect::Start(label) => {
            // The token service's records are read alongside the token's list, not before
            // it: a returning customer's code goes on show as soon as the list is read.
            let reading = Rc::clone(&service);
            wasm_bindgen_futures::spawn_local(async move { reading.load().await });
            store.reload().await;
            if store.is_first_visit() {
                // A first visit: the records must be read before a token is issued into them
                // (this waits for the read above, then finds nothing new).
                service.load().await;
                let notice = issue(&store, &service, label, show).await;
                add_demo_staff(&store).await;
                notice
            } else {
                None
            }
        }
        Effect::Persist => return Some(Message::Persisted(persist().await)),
        Effect::Issue(label) => issue(&store, &service, label, show).await,
        Effect::Apply(op, done) => {
            let quiet = matches!(op, WalletOp::Activate(_));
            match store.apply(op).await {
                Ok(_) if quiet => None,
                Ok(_) => Some(Notice::Info(done)),
                Err(e) => Some(refused(e)),
            }
        }
        Effect::Copy(code) => {
            return Some(Message::Copied(if copy(&code).await {
                Notice::Info(Text::Copied)
            } else {
                Notice::Problem(Text::CopyFailed)
            }));
        }
        Effect::Unlock(pass) => Some(match store.unlock(&pass.0).await {
            Ok(()) => Notice::Info(Text::Unlocked),
            Err(e) => refused(e),
        }),
        Effect::SetPassphrase(pass) => Some(match store.set_passphrase(&pass.0).await {
            Ok(()) => Notice::Info(Text::PassphraseSet),
            Err(e) => refused(e),
        }),
        Effect::RemovePassphrase => Some(match store.remove_passphrase().await {
            Ok(()) => Notice::Info(Text::PassphraseRemoved),
            Err(e) => refused(e),
        }),
        Effect::Discard => {
            let a = store.discard().await;
            let b = service.discard_unreadable().await;
            (a || b).then_some(Notice::Info(Text::Discarded))
        }
        _ => return None,
    };
    Some(Message::Done(store.wallet(), notice))
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
        Err(e) => refused(e),
    })
}

/// A first visit's list also holds the demo staff member's token (labelled as such), so
/// that the demo's staff can sign in; the customer's token stays the active one.
async fn add_demo_staff(store: &WalletStore) {
    use webtoken_bank::staff::{DEMO_STAFF_TOKEN_LABEL, demo_staff_secret, demo_staff_token};
    let active = store.wallet().active().map(|token| token.id);
    let token_id = demo_staff_token();
    let add = WalletOp::Add {
        label: DEMO_STAFF_TOKEN_LABEL.to_owned(),
        key: KeyUri {
            issuer: Some(SERVICE_ISSUER.to_owned()),
            account: token_id.as_str().to_owned(),
            secret: demo_staff_secret(),
            params: webtoken_engine::Params::default(),
        },
        token_id: Some(token_id),
    };
    if store.apply(add).await.is_ok()
        && let Some(active) = active
    {
        let _ = store.apply(WalletOp::Activate(active)).await;
    }
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
