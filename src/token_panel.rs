//! The token panel in the browser: the customer's software token on the page.
//!
//! What the panel does and shows is decided by the pure core ([`webtoken_token::panel`]): its
//! state, the [`Message`]s that change it, the [`Effect`]s it asks for, and its view as writes
//! to its elements and its controls as messages ([`draw`]). This shell looks the elements up
//! once, applies the writes, sends the presses, and runs the effects ([`run`]: storage,
//! WebCrypto, the token service, the clipboard), whose answers come back as messages through
//! the app's queue. All text is set as text, never as HTML.

use std::cell::RefCell;
use std::future::Future;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, Ordering};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlInputElement};
use zeroize::Zeroizing;

use super::app::Dispatch;

mod camera;
mod image;
use super::clock;
use super::crypto::WebCrypto;
use super::page::MissingElement;
use super::render::Parts;
use super::service::ServiceHandle;
use super::storage::Store;
use super::token_store::WalletStore;
use webtoken_engine::persist::storage_event_about;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Params, Secret};
use webtoken_token::panel::backup::{self, BackupMessage};
use webtoken_token::panel::draw::{self, CHANGES, CLICKS, ENTER, LABELS, Part, Write};
use webtoken_token::panel::work::{self, Credential, Device};
use webtoken_token::panel::{
    self, CodeView, ListEntry, Panel, PanelView, Problem, Storage, Typed, guard,
};
pub use webtoken_token::panel::{Effect, Message, Notice, Showing};
use webtoken_token::store::ListStore;
use webtoken_token::text::{Lang, Text};
use webtoken_token::wallet::WalletToken;
use webtoken_token_service::Issued;

/// The panel's elements (the code display's among them), indexed by [`Part`]; shared by the
/// panel, its display and its listeners.
pub type Elements = Parts<Part>;

/// Looks every part of the panel up; the first missing one is an error.
pub fn find(doc: &Document) -> Result<Elements, MissingElement> {
    Parts::find(doc, Part::ALL.iter().map(|part| part.testid()))
}

/// Applies the core's writes to `els`, each one only when it changes something.
fn apply(els: &Elements, writes: Vec<(Part, Write)>) {
    let mut sink = els.sink();
    for (part, write) in writes {
        sink(part, write);
    }
}

/// The active token's code, next code and seconds left: the part of the panel drawn each
/// second (and by the page-load bench).
pub struct Display {
    els: Elements,
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
        self.showing = code
            .and_then(|c| c.as_ref().ok())
            .map(|c| c.showing.clone());
        if self.showing.is_some() {
            mark_first_code();
        }
        apply(&self.els, draw::code_writes(code));
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
    /// The export's URI as last drawn (its QR code is drawn again only when it changes).
    drawn_export: Zeroizing<String>,
    /// The code display, shared with the page-load bench only (`app::bench_display_ticks`).
    display: Rc<RefCell<Display>>,
    /// The timer that fires at the next whole second; owned, so dropping the panel stops it.
    timer: Option<Timeout>,
    /// Sends the panel its messages (the second's [`Message::Tick`]).
    dispatch: Dispatch<Message>,
    _listeners: Vec<EventListener>,
}

/// Marks the moment the first code is written, once per page, as the Performance API mark
/// `webtoken-first-code` that the page-load bench reads (`scripts/bench.py`).
fn mark_first_code() {
    static MARKED: AtomicBool = AtomicBool::new(false);
    if !MARKED.swap(true, Ordering::Relaxed) {
        super::page::mark("webtoken-first-code");
    }
}

impl TokenPanel {
    /// Wires the panel's elements, found in `doc`, to `dispatch`. It shows the
    /// list in `store`, busy until the start-up work ([`webtoken_token::panel::boot`])
    /// answers; call [`TokenPanel::tick`] to start the display.
    pub fn mount(
        els: Elements,
        doc: &Document,
        store: Rc<WalletStore>,
        service: Rc<ServiceHandle>,
        dispatch: Dispatch<Message>,
    ) -> Self {
        let mut labels = Vec::new();
        for (marker, target) in LABELS {
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
        let mut listeners = Vec::new();
        let clicks = [
            ("click", CLICKS),
            ("click", &backup::CLICKS),
            ("keydown", ENTER),
        ];
        for (events, presses) in clicks {
            for &(part, press) in presses {
                let (dispatch, fields) = (dispatch.clone(), els.clone());
                listeners.push(EventListener::new(els.get(part), events, move |event| {
                    // A click sends; in a field, Enter presses its button.
                    let enter = event
                        .dyn_ref::<web_sys::KeyboardEvent>()
                        .is_none_or(|k| k.key() == "Enter");
                    if enter {
                        dispatch.send(press.message(|field| input_value(fields.get(field))));
                    }
                }));
            }
        }
        // The search field and the auto-lock select send on every change.
        for &(part, event, press) in CHANGES {
            let (dispatch, fields) = (dispatch.clone(), els.clone());
            listeners.push(EventListener::new(els.get(part), event, move |_| {
                dispatch.send(press.message(|field| input_value(fields.get(field))));
            }));
        }
        // Any key or press on the page: the customer is there (sent as often as the core's
        // `active_due` says).
        let last_active = Rc::new(std::cell::Cell::new(None));
        for event in ["keydown", "pointerdown"] {
            let (active, last) = (dispatch.clone(), Rc::clone(&last_active));
            listeners.push(EventListener::new(doc, event, move |_| {
                let now = clock::now_ms();
                if guard::active_due(last.get(), now) {
                    last.set(Some(now));
                    active.send(Message::Active);
                }
            }));
        }
        // One listener for the whole list: the pressed item names its token.
        let select = dispatch.clone();
        listeners.push(EventListener::new(
            els.get(Part::List),
            "click",
            move |event| {
                let message = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("[data-token]").ok().flatten())
                    .and_then(|el| el.get_attribute("data-token"))
                    .and_then(|id| draw::select(&id));
                if let Some(message) = message {
                    select.send(message);
                }
            },
        ));
        // A chosen export file: its text goes through the same import as the field's.
        listeners.push(file_listener(
            els.get(Part::ImportFile),
            dispatch.clone(),
            panel::import_file_size,
            |text| match text {
                Some(text) => Message::ImportFile(Typed::new(text)),
                None => Message::ImportFileRefused(None),
            },
        ));
        // A chosen or pasted picture: its pixels go to the core, which reads the QR codes in
        // it and imports their texts.
        listeners.push(EventListener::new(
            els.get(Part::ImportImage),
            "change",
            image::chosen(dispatch.clone()),
        ));
        // The camera, where the browser offers one: its frames are read like a picture.
        camera::install(
            els.get(Part::ImportCamera),
            els.get(Part::ImportCameraStop),
            els.get(Part::ImportCameraView),
            els.get(Part::ImportCameraVideo),
            dispatch.clone(),
            &mut listeners,
        );
        // Not passive: a pasted picture is taken (its default, pasting nothing, prevented).
        listeners.push(EventListener::new_with_options(
            els.get(Part::ImportInput),
            "paste",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            image::pasted(dispatch.clone()),
        ));
        // A chosen backup file: read and checked at once, opened on "restore".
        listeners.push(file_listener(
            els.get(Part::BackupFile),
            dispatch.clone(),
            backup::chosen_size,
            |text| Message::Backup(BackupMessage::Chosen(text.ok_or(None))),
        ));
        // Another tab wrote the list: read it again.
        if let Some(window) = web_sys::window() {
            let key = store.full_key();
            let changed = dispatch.clone();
            listeners.push(EventListener::new(&window, "storage", move |event| {
                let ours = event
                    .dyn_ref::<web_sys::StorageEvent>()
                    .is_some_and(|e| storage_event_about(e.key().as_deref(), &key));
                if ours {
                    changed.send(Message::StorageChanged);
                }
            }));
        }
        let mut panel = Panel::new(store.wallet());
        let marked = Message::Backup(BackupMessage::Marked(store.backup_mark()));
        panel.update(marked, 0, Lang::default(), &Storage::default());
        Self {
            panel,
            display: Rc::new(RefCell::new(Display {
                els: els.clone(),
                token: None,
                showing: None,
            })),
            els,
            labels,
            doc: doc.clone(),
            store,
            service,
            lang: None,
            drawn_list: None,
            drawn_export: Zeroizing::default(),
            timer: None,
            dispatch,
            _listeners: listeners,
        }
    }

    /// The stored list, for the work.
    pub fn store(&self) -> Rc<WalletStore> {
        Rc::clone(&self.store)
    }

    /// Renders the display for the current second and has `tick` told at the next one.
    pub fn tick(&mut self, tick: Dispatch<()>) {
        let now_ms = clock::now_ms();
        self.render_at(clock::seconds_of(now_ms));
        // The core decides, with the time, whether to lock or clear the clipboard.
        self.dispatch.send(Message::Tick);
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
        self.els.get(Part::Face).is_connected()
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
            list: self.store.not_saved().map(Problem::from),
            passphrase: self.store.uses_passphrase(),
            service: self.service.not_saved().map(Problem::from),
            in_page_service: self.service.remote_service().is_none(),
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
                    if let Some(input) = self.els.get(field.part()).dyn_ref::<HtmlInputElement>() {
                        input.set_value("");
                    }
                }
                other => work.push(other),
            }
        }
        self.render_at(clock::now_seconds());
        work
    }

    /// Draws the panel for Unix time `now`.
    fn render_at(&mut self, now: u64) {
        let lang = super::page::page_lang(&self.doc);
        if self.lang != Some(lang) {
            self.lang = Some(lang);
            for (el, key, target) in &self.labels {
                let text = key.get(lang);
                let write = match target {
                    None => Write::Text(text.into()),
                    Some(name) => Write::Attr(name, text.into()),
                };
                super::render::write(el, &write);
            }
            self.drawn_list = None;
            self.drawn_export = Zeroizing::default();
        }
        let view = self.panel.view(now, lang, &self.storage());
        self.render(&view, lang);
    }

    /// Writes `view` into the panel.
    fn render(&mut self, view: &PanelView, lang: Lang) {
        let drawn = Some((view.list.clone(), view.busy));
        if self.drawn_list != drawn {
            let nodes = draw::list_nodes(&view.list, view.busy);
            super::render::fill(&self.doc, self.els.get(Part::List), &nodes);
            self.drawn_list = drawn;
        }
        let mut display = self.display.borrow_mut();
        let active = self.panel.wallet().active();
        if display.token.as_ref() != active {
            display.token = active.cloned();
        }
        display.show(view.code.as_ref());
        drop(display);
        apply(&self.els, draw::writes(view));
        let uri = view.export.uri();
        if *self.drawn_export != uri {
            let shown = self.els.get(Part::ExportShown);
            if let Ok(Some(img)) = shown.query_selector("img") {
                img.remove();
            }
            let image = (!uri.is_empty())
                .then(|| draw::qr_image(uri, lang, |svg| js_sys::encode_uri_component(svg).into()))
                .flatten();
            if let (Some(attributes), Ok(img)) = (image, self.doc.create_element("img")) {
                for (name, value) in &attributes {
                    let _ = img.set_attribute(name, value);
                }
                let _ = shown.insert_before(&img, Some(self.els.get(Part::ExportUri)));
            }
            self.drawn_export = Zeroizing::new(uri.to_owned());
        }
    }
}

/// Listens for a file chosen in `input`: `refuse` may refuse it by its size unread; otherwise
/// its text (`None`: unreadable) is sent as `read` makes it.
fn file_listener(
    input: &Element,
    dispatch: Dispatch<Message>,
    refuse: fn(f64) -> Option<Message>,
    read: fn(Option<String>) -> Message,
) -> EventListener {
    EventListener::new(input, "change", move |event| {
        let Some(file) = chosen_file(event) else {
            return;
        };
        if let Some(refused) = refuse(file.size()) {
            dispatch.send(refused);
            return;
        }
        let dispatch = dispatch.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok();
            dispatch.send(read(text.and_then(|t| t.as_string())));
        });
    })
}

/// The file chosen in the file input that sent `event`; the input is emptied, so that choosing
/// the same file again is a change too.
fn chosen_file(event: &web_sys::Event) -> Option<web_sys::File> {
    let input = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())?;
    let file = input.files().and_then(|files| files.get(0))?;
    input.set_value("");
    Some(file)
}

/// What a field holds: an input's text, or a select's chosen value.
fn input_value(el: &Element) -> String {
    match el.dyn_ref::<HtmlInputElement>() {
        Some(input) => input.value(),
        None => el
            .dyn_ref::<web_sys::HtmlSelectElement>()
            .map(web_sys::HtmlSelectElement::value)
            .unwrap_or_default(),
    }
}

/// The page as the customer's device, for the core's work ([`work::run`]): the stored list,
/// the token service, the clipboard, downloads and `persist()`.
struct Page {
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
}

impl Device for Page {
    type Store = Store;
    type Keys = WebCrypto;

    fn list(&self) -> &ListStore<Store, WebCrypto> {
        &self.store
    }

    fn start_service(&self) {
        let reading = Rc::clone(&self.service);
        wasm_bindgen_futures::spawn_local(async move { reading.load().await });
    }

    // The shell's own futures, unwrapped: no second state machine in the wasm.
    fn load_service(&self) -> impl Future<Output = ()> {
        self.service.load()
    }

    async fn issue(&self, shown: &dyn Fn(&TokenId, &Secret, Params)) -> Option<Credential> {
        let shown = |issued: &Issued| shown(&issued.token_id, &issued.secret, issued.params);
        let issued = self.service.issue_shown(clock::now_seconds(), &shown).await;
        // Moved out of the answer, not copied.
        let Issued {
            token_id,
            secret,
            params,
        } = issued.ok()?;
        Some(Credential {
            token_id,
            secret,
            params,
        })
    }

    fn discard_service(&self) -> impl Future<Output = bool> {
        self.service.discard_unreadable()
    }

    fn demo_staff(&self) -> (&'static str, Credential) {
        use webtoken_bank::staff::{DEMO_STAFF_TOKEN_LABEL, demo_staff_secret, demo_staff_token};
        let staff = Credential {
            token_id: demo_staff_token(),
            secret: demo_staff_secret(),
            params: Params::default(),
        };
        (DEMO_STAFF_TOKEN_LABEL, staff)
    }

    fn copy(&self, text: &str) -> impl Future<Output = bool> {
        copy(text)
    }

    fn read_clipboard(&self) -> impl Future<Output = Option<Zeroizing<String>>> {
        read_clipboard()
    }

    fn persist(&self) -> impl Future<Output = Option<bool>> {
        persist()
    }

    fn download(&self, name: &str, text: &str) -> Option<()> {
        download(name, text)
    }
}

/// Does the work `effect` asks for ([`work::run`], on this page); the message that reports it.
/// `show` takes what the panel can show before the work is done ([`Message::Shown`]).
pub async fn run(
    effect: Effect,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    show: &dyn Fn(Message),
) -> Option<Message> {
    work::run(effect, &Page { store, service }, show).await
}

/// Offers `text` to the customer as a file named `name` to download: a Blob, an object URL
/// and a temporary `<a download>`; the URL is revoked once the download has taken it. `None`:
/// the browser refused a step.
fn download(name: &str, text: &str) -> Option<()> {
    let doc = web_sys::window()?.document()?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link: web_sys::HtmlElement = doc.create_element("a").ok()?.unchecked_into();
    let clicked = (|| {
        link.set_attribute("href", &url).ok()?;
        link.set_attribute("download", name).ok()?;
        link.set_hidden(true);
        doc.body()?.append_child(&link).ok()?;
        link.click();
        link.remove();
        Some(())
    })();
    // The browser reads the URL after the click returns: revoked a moment later.
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(10_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    clicked
}

/// Copies `text` to the clipboard (only ever on the customer's press).
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}

/// What the clipboard holds; `None` when the browser refuses to read it.
async fn read_clipboard() -> Option<Zeroizing<String>> {
    let clipboard = web_sys::window()?.navigator().clipboard();
    let held = JsFuture::from(clipboard.read_text()).await.ok()?;
    held.as_string().map(Zeroizing::new)
}

/// Asks the browser to keep this site's storage (`navigator.storage.persist()`).
async fn persist() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    JsFuture::from(promise).await.ok()?.as_bool()
}
