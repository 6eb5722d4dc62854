//! The running page: the shared token service and the views, owned in one place.

use std::cell::RefCell;
use std::rc::Rc;

use super::bank_view::{BankView, Message as BankMessage};
use super::clock;
use super::lab_panel::{self, Effect as LabEffect, LabPanel, Message as LabMessage};
use super::page::{Page, page_lang};
use super::service::{SERVICE_PREFIX, ServiceHandle};
use super::token_panel::{self, Message as TokenMessage, TokenPanel, Work as TokenWork};
use super::token_store::{TOKEN_PREFIX, WalletStore};
use super::tour::TourView;
use webtoken_bank::BankError;
use webtoken_bank::tour::Event as TourEvent;
use webtoken_engine::i18n::{fill, page::Text as Words};

/// Why the page could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The page lacks an element.
    Page(super::page::MissingElement),
    /// The browser offers no `window.document`.
    NoDocument,
    /// The bank could not make its demo customers.
    Bank(BankError),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Page(e) => write!(f, "{e}"),
            Self::NoDocument => f.write_str("this browser offers no document to draw in"),
            Self::Bank(e) => write!(f, "the bank could not start: {e}"),
        }
    }
}

/// Everything the page runs: dropped as a whole, it stops every timer and listener.
struct App {
    /// The token service, shared with async tasks (which never hold a borrow of the app).
    service: Rc<ServiceHandle>,
    token: TokenPanel,
    /// The bank section; `None` on a page without one.
    bank: Option<BankView>,
    /// The staff's time lab (its switch, and the panel when open); `None` on a page without
    /// a footer.
    lab: Option<LabPanel>,
    /// The guided tour; `None` on a page without one.
    tour: Option<TourView>,
}

impl App {
    /// The tour looks at the page again after the token or the bank rendered.
    fn refresh_tour(&mut self) {
        if let Some(tour) = &mut self.tour {
            tour.refresh();
        }
    }
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// How many timer ticks the start-up token work waits for the app to be in place.
const APP_WAIT_TICKS: u32 = 100;

/// How long the bank waits for the token's code before it is drawn anyway, in milliseconds.
const BANK_WAIT_MS: u32 = 250;

/// Starts the page.
pub async fn start() -> Result<(), StartError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(StartError::NoDocument)?;
    let page = Page::find(&document).map_err(StartError::Page)?;
    // The language first, so that everything is drawn in it from the start.
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", BankView::chosen_lang().tag());
    }
    // The token service's records and the customer's tokens: separate storage, separate keys.
    let (service, choice) = match choose_service() {
        Ok(Some(base)) => (ServiceHandle::remote(&base), Ok(true)),
        Ok(None) => (ServiceHandle::persistent(SERVICE_PREFIX), Ok(false)),
        Err(message) => (ServiceHandle::persistent(SERVICE_PREFIX), Err(message)),
    };
    let service = Rc::new(service);
    let store = Rc::new(WalletStore::new(TOKEN_PREFIX));
    // The token's stored list is read (and, on a first visit, a token issued) in a task that
    // starts before anything is drawn: its storage reads overlap the drawing below (the panel
    // is drawn busy, waiting for this work). `start` returns once the token and the bank are
    // on show.
    let label = webtoken_token::text::Text::DefaultLabel
        .get(page_lang(&document))
        .to_owned();
    let token_ready = run_token_work_with(
        TokenWork::Start(label),
        Rc::clone(&store),
        Some(Rc::clone(&service)),
    );
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
        &wasm_bindgen::JsValue::UNDEFINED,
    ))
    .await;
    let token = TokenPanel::mount(
        page,
        &document,
        Rc::clone(&store),
        Rc::clone(&service),
        token_message,
    )
    .map_err(StartError::Page)?;
    super::page::mark("webtoken-token-mounted");
    let lab = LabPanel::mount(
        &document,
        lab_panel::asked_in_address(),
        matches!(choice, Ok(true)),
        lab_message,
    );
    let app = App {
        service: Rc::clone(&service),
        token,
        bank: None,
        lab,
        tour: None,
    };
    APP.with(|cell| *cell.borrow_mut() = Some(app));
    tick_token();
    let _ = run_token_work(TokenWork::Persist, store);
    // The code first: the bank is drawn once the token shows its code, or after
    // BANK_WAIT_MS at most (a first visit's issuing, or storage that is slow to answer, never
    // keeps the bank away for longer), then one frame later (page::painted).
    let bank_wait = wasm_bindgen_futures::future_to_promise(async {
        gloo_timers::future::TimeoutFuture::new(BANK_WAIT_MS).await;
        Ok(wasm_bindgen::JsValue::UNDEFINED)
    });
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(
        &token_ready,
        &bank_wait,
    )))
    .await;
    // The frame with the code is drawn before the bank's screens are built: laying out the
    // whole page at once put the code on screen about 150 ms later on a first visit (A/B,
    // scripts/bench.py load's "painted").
    super::page::painted().await;
    let bank = BankView::mount(&document, bank_message).map_err(StartError::Bank)?;
    super::page::mark("webtoken-bank-mounted");
    APP.with(|cell| {
        if let Some(app) = cell.borrow_mut().as_mut() {
            app.bank = bank;
            app.tour = TourView::mount(&document, tour_message);
        }
    });
    match choice {
        Ok(true) => wasm_bindgen_futures::spawn_local(check_clock(Rc::clone(&service))),
        Ok(false) => {}
        Err(origin) => show_status(
            &document,
            &fill(
                Words::ServiceParamInvalid.get(page_lang(&document)),
                &[("origin", &origin)],
            ),
        ),
    }
    // The task always settles the promise (its work handles every error itself).
    let _ = wasm_bindgen_futures::JsFuture::from(token_ready).await;
    Ok(())
}

/// The token service the page's address asks for: `?service=same-origin`, or
/// `?service=ORIGIN` naming this page's own origin (the Content-Security-Policy lets the page
/// connect to its own origin only). `Ok(None)`: the in-page service (the default).
fn choose_service() -> Result<Option<String>, String> {
    // The error is this page's origin, for the message.
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Ok(None);
    };
    let (Ok(search), Ok(origin)) = (location.search(), location.origin()) else {
        return Ok(None);
    };
    let Some(wanted) = super::page::query_value(&search, "service") else {
        return Ok(None);
    };
    let wanted = js_sys::decode_uri_component(wanted)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    if wanted == "same-origin" || wanted.trim_end_matches('/') == origin {
        Ok(Some(origin))
    } else {
        Err(origin)
    }
}

/// Warns when the browser's clock and the remote token service's differ by more than one
/// period: the token's codes would then be refused.
async fn check_clock(service: Rc<ServiceHandle>) {
    let Some(remote) = service.remote_service() else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let period = webtoken_engine::Params::default().period;
    match remote.server_time().await {
        Ok(server) => {
            let skew = server.abs_diff(clock::now_seconds());
            if skew > period {
                show_status(
                    &document,
                    &fill(
                        Words::ClockSkew.get(page_lang(&document)),
                        &[("skew", &skew)],
                    ),
                );
            }
        }
        Err(e) => show_status(
            &document,
            &fill(
                Words::ServiceUnreachable.get(page_lang(&document)),
                &[("base", &remote.base()), ("error", &e)],
            ),
        ),
    }
}

/// Shows a message in the page's status line (text only).
fn show_status(document: &web_sys::Document, message: &str) {
    if let Ok(Some(status)) = document.query_selector("[data-testid=\"status\"]") {
        status.set_text_content(Some(message));
    }
}

/// See [`super::bench_display_ticks`].
pub fn bench_display_ticks(ticks: u32) -> Vec<f64> {
    use wasm_bindgen::JsCast;
    let memory = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64
    };
    let before = memory();
    let start = clock::offset();
    let mut drawn = 0u32;
    // The time steps the display went through: the draws really moved the code on.
    let (mut steps, mut last) = (0u32, None);
    APP.with(|cell| {
        if let Ok(mut app) = cell.try_borrow_mut()
            && let Some(app) = app.as_mut()
        {
            for tick in 1..=i64::from(ticks) {
                clock::set_offset(start.saturating_add(tick));
                app.token.redraw();
                drawn += 1;
                let step = app.token.showing().map(|s| s.step);
                if step.is_some() && step != last {
                    steps += 1;
                    last = step;
                }
            }
        }
    });
    clock::set_offset(start);
    vec![before, memory(), f64::from(drawn), f64::from(steps)]
}

/// Says that a new version of the page is ready for the next load.
pub fn new_version_ready() {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        show_status(&document, Words::NewVersion.get(page_lang(&document)));
    }
}

/// The token panel's timer callback; the time lab follows each second.
fn tick_token() {
    APP.with(|cell| {
        if let Some(app) = cell.borrow_mut().as_mut() {
            app.token.tick(tick_token);
            app.refresh_tour();
            read_lab(app);
        }
    });
}

/// The time lab's listeners and tasks call this. A shifted clock redraws the token at once.
fn lab_message(message: LabMessage) {
    APP.with(|cell| {
        let Ok(mut app) = cell.try_borrow_mut() else {
            // Sent while the app is busy (an event fired during a render): handle it next.
            wasm_bindgen_futures::spawn_local(async move { lab_message(message) });
            return;
        };
        let Some(app) = app.as_mut() else {
            return;
        };
        let Some(lab) = app.lab.as_mut() else {
            return;
        };
        if lab.update(message) == LabEffect::ClockMoved {
            app.token.redraw();
            read_lab(app);
        }
    });
}

/// While the time lab is open, notes the token's code and reads the token service for it in a
/// task (which holds no borrow of the app across its `await`s).
fn read_lab(app: &mut App) {
    let Some(request) = app
        .lab
        .as_mut()
        .and_then(|lab| lab.observe(app.token.showing()))
    else {
        return;
    };
    let service = Rc::clone(&app.service);
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(message) = lab_panel::read(request, service).await {
            lab_message(message);
        }
    });
}

/// The bank view's listeners call this: the message is handled, and the token-service work it
/// asks for runs in a task that holds no borrow of the app across its `await`s.
fn bank_message(message: BankMessage) {
    let work = APP.with(|cell| {
        let Ok(mut app) = cell.try_borrow_mut() else {
            // Sent while the app is busy (an event fired during a render): handle it next.
            wasm_bindgen_futures::spawn_local(async move { bank_message(message) });
            return None;
        };
        let app = app.as_mut()?;
        let commands = app.bank.as_mut()?.update(message);
        // The bank may have switched the page's language: the token panel (and the title and
        // header it labels) follows at once, not at its next tick.
        app.token.redraw();
        app.refresh_tour();
        (!commands.is_empty()).then(|| (Rc::clone(&app.service), commands))
    });
    if let Some((service, commands)) = work {
        wasm_bindgen_futures::spawn_local(async move {
            for command in commands {
                if let Some(answer) = service.execute(command, clock::now_seconds()).await {
                    bank_message(BankMessage::Bank(answer));
                }
                // The lab shows the outcome at once, not at the next second.
                APP.with(|cell| {
                    if let Ok(mut app) = cell.try_borrow_mut()
                        && let Some(app) = app.as_mut()
                    {
                        read_lab(app);
                    }
                });
            }
        });
    }
}

/// The token panel's listeners call this: the message is handled, and the work it asks for
/// runs in a task that holds no borrow of the app across its `await`s.
fn token_message(message: TokenMessage) {
    let work = APP.with(|cell| {
        let Ok(mut app) = cell.try_borrow_mut() else {
            // Sent while the app is busy (an event fired during a render): handle it next.
            wasm_bindgen_futures::spawn_local(async move { token_message(message) });
            return None;
        };
        let app = app.as_mut()?;
        let work = app.token.update(message);
        // A token issued, chosen or unlocked shows in the lab at once.
        read_lab(app);
        app.refresh_tour();
        Some((work?, app.token.store()))
    });
    if let Some((work, store)) = work {
        // Nobody waits for this one: the panel shows its outcome.
        let _ = run_token_work(work, store);
    }
}

/// The tour's listeners call this.
fn tour_message(event: TourEvent) {
    APP.with(|cell| {
        let Ok(mut app) = cell.try_borrow_mut() else {
            // Sent while the app is busy (an event fired during a render): handle it next.
            wasm_bindgen_futures::spawn_local(async move { tour_message(event) });
            return;
        };
        if let Some(tour) = app.as_mut().and_then(|app| app.tour.as_mut()) {
            tour.update(event);
        }
    });
}

/// Whether the app is in place (stored, and not borrowed right now).
fn app_in_place() -> bool {
    APP.with(|cell| cell.try_borrow().is_ok_and(|app| app.is_some()))
}

/// Waits until the app is in place (the start-up work begins before the panel is mounted),
/// [`APP_WAIT_TICKS`] timer ticks at most.
async fn wait_for_app() {
    for _ in 0..APP_WAIT_TICKS {
        if app_in_place() {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}

/// Runs the token panel's work and reports back to it; the promise resolves when it is done.
fn run_token_work(work: TokenWork, store: Rc<WalletStore>) -> js_sys::Promise {
    let service = APP.with(|cell| {
        cell.try_borrow()
            .ok()
            .and_then(|app| app.as_ref().map(|app| Rc::clone(&app.service)))
    });
    run_token_work_with(work, store, service)
}

/// [`run_token_work`] with the token service given (at start-up, before the app is stored).
/// The answer goes to the panel through the app: work that ends before the app is in place
/// (storage that is unavailable answers at once) waits for it, a few ticks at most.
fn run_token_work_with(
    work: TokenWork,
    store: Rc<WalletStore>,
    service: Option<Rc<ServiceHandle>>,
) -> js_sys::Promise {
    let mut done = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| done = Some(resolve));
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(service) = service {
            // What the work shows on its way goes to the panel at once, or as soon as the
            // panel is in place (a first visit's token is issued before it is): the newest one
            // only, kept in `waiting` for one delivering task. The answer has the last word:
            // whatever is still waiting when it comes is dropped.
            let waiting: Rc<RefCell<Option<TokenMessage>>> = Rc::default();
            let show = |message| {
                if app_in_place() {
                    token_message(message);
                } else if waiting.borrow_mut().replace(message).is_none() {
                    let waiting = Rc::clone(&waiting);
                    wasm_bindgen_futures::spawn_local(async move {
                        wait_for_app().await;
                        let message = waiting.borrow_mut().take();
                        if let Some(message) = message {
                            token_message(message);
                        }
                    });
                }
            };
            let answer = token_panel::run(work, store, service, &show).await;
            waiting.borrow_mut().take();
            wait_for_app().await;
            token_message(answer);
        }
        if let Some(resolve) = done {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    promise
}
