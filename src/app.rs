//! The running page, in the Elm shape: one message type ([`AppMessage`]), one queue (the
//! core's [`webtoken_engine::queue`]), and one task that owns the app by value and handles the
//! messages in order.
//!
//! Listeners, timers and async work hold a [`Dispatch`] (a sender into the queue) and nothing
//! else. Work that awaits (the token service, storage, the clipboard) runs in a task of its
//! own and answers with another message, so no callback ever borrows the app, and a message
//! sent while another one is handled (an event fired during a render) simply waits its turn.

use std::rc::{Rc, Weak};

use super::bank_view::{BankView, Message as BankMessage};
use super::clock;
use super::lab_panel::{self, LabPanel, Message as LabMessage};
use super::page::page_lang;
use super::service::{SERVICE_PREFIX, ServiceHandle};
use super::token_panel::{self, Display, Effect as TokenWork, Message as TokenMessage, TokenPanel};
use super::token_store::{TOKEN_PREFIX, WalletStore};
use super::tour::TourView;
use webtoken_bank::tour::Event as TourEvent;
use webtoken_engine::i18n::page::Text as Words;
use webtoken_engine::queue::{self, Queue};
use webtoken_token_service::client;

pub use webtoken_engine::draw::StartError;

/// Everything the page's parts send, in one queue.
pub enum AppMessage {
    /// The token panel's controls and work.
    Token(TokenMessage),
    /// The bank section's controls and the token service's answers.
    Bank(BankMessage),
    /// The time lab's controls and readings.
    Lab(LabMessage),
    /// The tour's controls.
    Tour(TourEvent),
    /// A second is over: the token display, the tour and the lab follow.
    Tick,
    /// A bank command finished: the lab reads the token service again at once.
    ReadLab,
    /// The bank section and the tour, mounted after the first code was painted.
    Mounted(Box<(Option<BankView>, Option<TourView>)>),
    /// Calls the function once every message queued before this one has been handled.
    Settle(js_sys::Function),
}

/// A sender of one part's messages into the app's queue; listeners, timers and tasks hold one.
pub type Dispatch<M> = queue::Dispatch<M, AppMessage>;

/// Everything the page runs: dropped as a whole, it stops every timer and listener.
struct App {
    /// The token service, shared with async tasks (which never hold the app).
    service: Rc<ServiceHandle>,
    token: TokenPanel,
    /// The bank section; `None` on a page without one, or until it is mounted.
    bank: Option<BankView>,
    /// The staff's time lab (its switch, and the panel when open); `None` on a page without
    /// a footer.
    lab: Option<LabPanel>,
    /// The guided tour; `None` on a page without one, or until it is mounted.
    tour: Option<TourView>,
    /// A sender into the app's own queue, for the work it starts.
    dispatch: Dispatch<AppMessage>,
}

impl App {
    /// Handles one message: the only place the app's state changes.
    fn update(&mut self, message: AppMessage) {
        match message {
            AppMessage::Token(message) => {
                for work in self.token.update(message) {
                    self.run_token_work(work);
                }
                // A token issued, chosen or unlocked shows in the lab at once.
                self.read_lab();
                self.refresh_tour();
            }
            AppMessage::Bank(message) => {
                let Some(bank) = self.bank.as_mut() else {
                    return;
                };
                let commands = bank.update(message);
                // The bank may have switched the page's language: the token panel (and the
                // title and header it labels) follows at once, not at its next tick.
                self.token.redraw();
                self.staff_to_lab();
                self.refresh_tour();
                if !commands.is_empty() {
                    let (service, dispatch) = (Rc::clone(&self.service), self.dispatch.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        for command in commands {
                            if let Some(answer) =
                                service.execute(command, clock::now_seconds()).await
                            {
                                dispatch.send(AppMessage::Bank(BankMessage::Bank(answer)));
                            }
                            // Staff screens say what is wrong with the service's records.
                            let health = BankMessage::ServiceHealth(service.health());
                            dispatch.send(AppMessage::Bank(health));
                            dispatch.send(AppMessage::ReadLab);
                        }
                    });
                }
            }
            AppMessage::Lab(message) => {
                self.staff_to_lab();
                let Some(lab) = self.lab.as_mut() else {
                    return;
                };
                // A shifted clock redraws the token at once.
                if lab.update(message) {
                    self.token.redraw();
                    self.read_lab();
                }
            }
            AppMessage::Tour(event) => {
                if let Some(tour) = &mut self.tour {
                    tour.update(event);
                }
            }
            AppMessage::Tick => {
                self.token.tick(self.dispatch.to(|()| AppMessage::Tick));
                self.refresh_tour();
                self.read_lab();
            }
            AppMessage::ReadLab => self.read_lab(),
            AppMessage::Mounted(views) => {
                (self.bank, self.tour) = *views;
            }
            AppMessage::Settle(done) => {
                let _ = done.call0(&wasm_bindgen::JsValue::UNDEFINED);
            }
        }
    }

    /// Tells the time lab whether a staff member is signed in; signed out, its clock goes
    /// back to the real time and the token is redrawn.
    fn staff_to_lab(&mut self) {
        let staff = self.bank.as_mut().is_some_and(BankView::staff_signed_in);
        if let Some(lab) = self.lab.as_mut()
            && lab.set_staff(staff)
        {
            self.token.redraw();
        }
    }

    /// The tour looks at the page again after the token or the bank rendered.
    fn refresh_tour(&mut self) {
        if let Some(tour) = &mut self.tour {
            tour.refresh();
        }
    }

    /// While the time lab is open, notes the token's code and reads the token service for it
    /// in a task, which answers with a message.
    fn read_lab(&mut self) {
        self.staff_to_lab();
        let Some(request) = self
            .lab
            .as_mut()
            .and_then(|lab| lab.observe(self.token.showing().as_ref()))
        else {
            return;
        };
        let (service, dispatch) = (Rc::clone(&self.service), self.dispatch.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(message) = lab_panel::read(request, service).await {
                dispatch.send(AppMessage::Lab(message));
            }
        });
    }

    /// Runs the token panel's work in a task; its answer comes back as a message.
    fn run_token_work(&self, work: TokenWork) {
        let _ = spawn_token_work(
            work,
            self.token.store(),
            Rc::clone(&self.service),
            self.dispatch.clone(),
        );
    }
}

/// Runs `work` in a task: what it shows on its way, then its answer, go to the panel. The
/// promise resolves once the loop has handled the answer (the code is drawn).
fn spawn_token_work(
    work: TokenWork,
    store: Rc<WalletStore>,
    service: Rc<ServiceHandle>,
    dispatch: Dispatch<AppMessage>,
) -> js_sys::Promise {
    let mut handled = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| handled = Some(resolve));
    wasm_bindgen_futures::spawn_local(async move {
        let show = |shown| dispatch.send(AppMessage::Token(shown));
        if let Some(answer) = token_panel::run(work, store, service, &show).await {
            dispatch.send(AppMessage::Token(answer));
        }
        if let Some(handled) = handled {
            dispatch.send(AppMessage::Settle(handled));
        }
    });
    promise
}

/// The app's loop: the only owner of the app, it handles the queued messages one at a time,
/// as long as its page is on show.
async fn run(mut app: App, queue: Rc<Queue<AppMessage>>) {
    loop {
        let message = queue.next().await;
        let tick = matches!(message, AppMessage::Tick);
        app.update(message);
        // A panel taken out of the document (a test's fixture, replaced by the next one) ends
        // its page: the app is dropped with its timers and listeners.
        if tick && !app.token.on_page() {
            break;
        }
    }
}

thread_local! {
    /// The token display of the page started last, for [`bench_display_ticks`] only: a weak
    /// handle to the drawing part of the panel. The app itself is owned by its loop, which a
    /// synchronous export cannot wait for; the display is all the bench draws.
    static DISPLAY: std::cell::RefCell<Weak<std::cell::RefCell<Display>>> =
        const { std::cell::RefCell::new(Weak::new()) };
}

/// How long the bank waits for the token's code before it is drawn anyway, in milliseconds.
const BANK_WAIT_MS: u32 = 250;

/// Starts the page; resolves once the token and the bank are on show.
///
/// The order is what makes the first code fast:
/// 1. the token's stored list is read (and, on a first visit, a token issued) in a task that
///    starts before anything is drawn, so its storage reads overlap the drawing; its answer
///    queues until the loop runs;
/// 2. the token panel is mounted (drawn busy), the app's loop starts and the display ticks;
/// 3. the bank waits for the token's code, or [`BANK_WAIT_MS`] at most (a first visit's
///    issuing, or slow storage, never keeps the bank away for longer), then for one painted
///    frame ([`super::page::painted`]): laying out the whole page at once put the code on
///    screen about 150 ms later on a first visit (A/B, `scripts/bench.py load`'s "painted");
/// 4. the bank and the tour are mounted and handed to the loop; presses on them queue behind.
pub async fn start() -> Result<(), StartError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(StartError::NoDocument)?;
    let elements = token_panel::find(&document).map_err(StartError::Page)?;
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
    let queue = Queue::new();
    let dispatch = queue.dispatch();
    // 1. The token's work, before anything is drawn.
    let [start_work, persist_work] = webtoken_token::panel::boot(page_lang(&document));
    // Resolves once the panel has handled the work's answer (queued behind it).
    let token_ready = spawn_token_work(
        start_work,
        Rc::clone(&store),
        Rc::clone(&service),
        dispatch.clone(),
    );
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
        &wasm_bindgen::JsValue::UNDEFINED,
    ))
    .await;
    // 2. The panel, the lab's switch, the loop.
    let token = TokenPanel::mount(
        elements,
        &document,
        Rc::clone(&store),
        Rc::clone(&service),
        dispatch.to(AppMessage::Token),
    );
    super::page::mark("webtoken-token-mounted");
    DISPLAY.with(|cell| *cell.borrow_mut() = token.display());
    let lab = LabPanel::mount(
        &document,
        lab_panel::asked_in_address(),
        matches!(choice, Ok(true)),
        dispatch.to(AppMessage::Lab),
    );
    let app = App {
        service: Rc::clone(&service),
        token,
        bank: None,
        lab,
        tour: None,
        dispatch: dispatch.clone(),
    };
    // The first tick draws the panel (busy, unless the start-up work has answered already:
    // its answer, queued before, is handled first) and starts the display's timer.
    dispatch.send(AppMessage::Tick);
    wasm_bindgen_futures::spawn_local(run(app, queue));
    // Nobody waits for this one: the panel shows its outcome.
    let _ = spawn_token_work(
        persist_work,
        Rc::clone(&store),
        Rc::clone(&service),
        dispatch.clone(),
    );
    // 3. The code first.
    let bank_wait = wasm_bindgen_futures::future_to_promise(async {
        gloo_timers::future::TimeoutFuture::new(BANK_WAIT_MS).await;
        Ok(wasm_bindgen::JsValue::UNDEFINED)
    });
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(
        &token_ready,
        &bank_wait,
    )))
    .await;
    super::page::painted().await;
    // 4. The bank and the tour.
    let bank = BankView::mount(&document, dispatch.to(AppMessage::Bank));
    super::page::mark("webtoken-bank-mounted");
    let tour = TourView::mount(&document, dispatch.to(AppMessage::Tour));
    dispatch.send(AppMessage::Mounted(Box::new((bank, tour))));
    // Staff screens say at once what is wrong with the service's stored records (issue 18).
    let (checked, told) = (Rc::clone(&service), dispatch.clone());
    wasm_bindgen_futures::spawn_local(async move {
        checked.load().await;
        told.send(AppMessage::Bank(BankMessage::ServiceHealth(
            checked.health(),
        )));
    });
    match choice {
        Ok(true) => wasm_bindgen_futures::spawn_local(check_clock(Rc::clone(&service))),
        Ok(false) => {}
        Err(origin) => show_status(
            &document,
            &client::service_param_invalid(&origin, page_lang(&document)),
        ),
    }
    // The start-up work always answers (it handles every error itself).
    let _ = wasm_bindgen_futures::JsFuture::from(token_ready).await;
    // The bank is in place too, once the loop has taken it.
    let _ = wasm_bindgen_futures::JsFuture::from(settled(&dispatch)).await;
    Ok(())
}

/// A promise that resolves once the loop has handled every message queued before now.
fn settled(dispatch: &Dispatch<AppMessage>) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| dispatch.send(AppMessage::Settle(resolve)))
}

/// The token service the page's address asks for ([`client::choose_service`]).
fn choose_service() -> Result<Option<String>, String> {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Ok(None);
    };
    let (Ok(search), Ok(origin)) = (location.search(), location.origin()) else {
        return Ok(None);
    };
    client::choose_service(&search, &origin, |wanted| {
        js_sys::decode_uri_component(wanted).ok()?.as_string()
    })
}

/// Warns when the browser's clock and the remote token service's differ by more than one
/// period ([`client::clock_warning`]), or when the service cannot be reached.
async fn check_clock(service: Rc<ServiceHandle>) {
    let Some(remote) = service.remote_service() else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = page_lang(&document);
    let warning = match remote.server_time().await {
        Ok(server) => client::clock_warning(server, clock::now_seconds(), lang),
        Err(e) => Some(client::unreachable_message(remote.base(), &e, lang)),
    };
    if let Some(warning) = warning {
        show_status(&document, &warning);
    }
}

/// Shows a message in the page's status line (text only).
fn show_status(document: &web_sys::Document, message: &str) {
    if let Some(status) = super::page::by_testid(document, "status") {
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
    let display = DISPLAY.with(|cell| cell.borrow().upgrade());
    // The loop borrows the display only while it draws, never across an `await`, and this
    // export is called from JavaScript, never during a draw.
    if let Some(display) = display
        && let Ok(mut display) = display.try_borrow_mut()
    {
        for tick in 1..=i64::from(ticks) {
            clock::set_offset(start.saturating_add(tick));
            display.draw(clock::now_seconds());
            drawn += 1;
            let step = display.showing().map(|s| s.step);
            if step.is_some() && step != last {
                steps += 1;
                last = step;
            }
        }
    }
    clock::set_offset(start);
    vec![before, memory(), f64::from(drawn), f64::from(steps)]
}

/// Says that a new version of the page is ready for the next load.
pub fn new_version_ready() {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        show_status(&document, Words::NewVersion.get(page_lang(&document)));
    }
}
