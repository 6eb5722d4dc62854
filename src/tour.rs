//! The guided tour on the page: the panel that walks the customer guide's chapters
//! ([`crate::tour`]) and the mark on the control to use.
//!
//! The panel is static markup in `index.html` (`data-testid="tour-panel"`), hidden until
//! ガイドツアー is pressed; every word comes from the catalogue's `[tour]` section, in the
//! page's language. The control to use carries `data-tour-current="true"` (drawn by
//! `www/tour.css`); nothing else on the page is touched. The page calls
//! [`TourView::refresh`] after every render of the bank or the token and every second, so the
//! mark follows the customer's presses.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlElement};

use super::app::Dispatch;
use super::page::{by_testid, page_lang, set_text, show};
use webtoken_bank::tour::{
    Control, Event, Focus, Now, Rect, STEPS, Text, TokenShows, Tour, scroll_to_show,
};
use webtoken_engine::i18n::{Lang, fill};

/// The attribute on the control to use (styled by `www/tour.css`, read by the tests).
const MARK: &str = "data-tour-current";

/// The page's elements the tour writes into or reads.
struct Elements {
    start: HtmlButtonElement,
    panel: Element,
    title: Element,
    count: Element,
    chapter: HtmlElement,
    text: Element,
    first: Element,
    back: HtmlButtonElement,
    next: HtmlButtonElement,
    close: HtmlButtonElement,
    token_face: Element,
    token_lock: Element,
}

impl Elements {
    fn find(doc: &Document) -> Option<Self> {
        let button = |id| by_testid(doc, id)?.dyn_into::<HtmlButtonElement>().ok();
        Some(Self {
            start: button("tour-start")?,
            panel: by_testid(doc, "tour-panel")?,
            title: by_testid(doc, "tour-title")?,
            count: by_testid(doc, "tour-count")?,
            chapter: by_testid(doc, "tour-chapter")?
                .dyn_into::<HtmlElement>()
                .ok()?,
            text: by_testid(doc, "tour-text")?,
            first: by_testid(doc, "tour-first")?,
            back: button("tour-back")?,
            next: button("tour-next")?,
            close: button("tour-close")?,
            token_face: by_testid(doc, "token-face")?,
            token_lock: by_testid(doc, "token-lock")?,
        })
    }
}

/// The tour's state, its elements, the marked control and the owned listeners.
pub struct TourView {
    doc: Document,
    els: Elements,
    tour: Tour,
    marked: Option<Element>,
    _listeners: Vec<EventListener>,
}

impl TourView {
    /// Wires the page's tour to `dispatch` and shows its start button; `None` on a page
    /// without the tour's elements.
    pub fn mount(doc: &Document, dispatch: Dispatch<Event>) -> Option<Self> {
        let els = Elements::find(doc)?;
        let click = |el: &HtmlButtonElement, event: fn() -> Event| {
            let dispatch = dispatch.clone();
            EventListener::new(el, "click", move |_| dispatch.send(event()))
        };
        let listeners = vec![
            click(&els.start, || Event::Toggle),
            click(&els.close, || Event::Close),
            click(&els.back, || Event::Back),
            click(&els.next, || Event::Next),
            // The panel is not modal: Escape closes it wherever focus is.
            EventListener::new(doc, "keydown", move |event| {
                let escape = event
                    .dyn_ref::<web_sys::KeyboardEvent>()
                    .is_some_and(|k| k.key() == "Escape" && !k.default_prevented());
                if escape {
                    dispatch.send(Event::Close);
                }
            }),
        ];
        let mut view = Self {
            doc: doc.clone(),
            els,
            tour: Tour::default(),
            marked: None,
            _listeners: listeners,
        };
        view.refresh();
        let _ = view.els.start.remove_attribute("hidden");
        Some(view)
    }

    /// Handles a press and renders, moving focus where the customer will want it.
    pub fn update(&mut self, event: Event) {
        let focus = self.tour.update(event);
        // A press on the tour shows its control again, even one marked already.
        self.render(true);
        let els = &self.els;
        let _ = match focus {
            Focus::Heading => els.chapter.focus(),
            Focus::Next => els.next.focus(),
            Focus::Back => els.back.focus(),
            // Only when the closed panel had focus (Escape in a bank field leaves it there).
            Focus::Start if self.had_focus() => els.start.focus(),
            Focus::Start | Focus::Keep => Ok(()),
        };
    }

    /// Looks at the page again (the bank or the token rendered, a second passed): the tour
    /// follows the bank's screen, and the mark moves to the control on show.
    pub fn refresh(&mut self) {
        self.tour.update(Event::Screen(self.screen()));
        self.render(false);
    }

    /// Writes the tour's state into the panel and marks the control to use; `moved`: the
    /// customer pressed the tour's controls, so the control is scrolled to even if it was
    /// marked already.
    fn render(&mut self, moved: bool) {
        let lang = page_lang(&self.doc);
        let t = |key: Text| key.get(lang);
        let els = &self.els;
        let open = self.tour.is_open();
        set_text(&els.start, t(Text::Title));
        set_text(&els.title, t(Text::Title));
        set_text(&els.close, t(Text::Close));
        set_text(&els.back, t(Text::Back));
        let next = if self.tour.is_last() {
            Text::Finish
        } else {
            Text::Next
        };
        set_text(&els.next, t(next));
        let expanded = if open { "true" } else { "false" };
        if els.start.get_attribute("aria-expanded").as_deref() != Some(expanded) {
            let _ = els.start.set_attribute("aria-expanded", expanded);
        }
        show(&els.panel, open);
        if !open {
            self.mark(None, false);
            return;
        }
        let step = self.tour.step();
        let chapter = step.chapter;
        set_text(
            &els.chapter,
            &fill(
                t(Text::Chapter),
                &[("n", &chapter.number()), ("title", &t(chapter.title()))],
            ),
        );
        set_text(
            &els.count,
            &fill(
                t(Text::Count),
                &[("n", &self.tour.number()), ("total", &STEPS.len())],
            ),
        );
        set_text(&els.text, t(step.text));
        els.back.set_disabled(self.tour.number() == 1);
        let screen = self.screen();
        let guidance = step.guide(&Now {
            screen: &screen,
            token: self.token_shows(),
        });
        set_text(&els.first, guidance.first.map_or("", t));
        let target = self.find(guidance.control, lang);
        self.mark(target, moved);
    }

    /// The bank's screen (`data-screen`), empty before the bank shows.
    fn screen(&self) -> String {
        by_testid(&self.doc, "bank-screen")
            .and_then(|el| el.get_attribute("data-screen"))
            .unwrap_or_default()
    }

    fn token_shows(&self) -> TokenShows {
        if shown(&self.els.token_lock) {
            TokenShows::Locked
        } else if shown(&self.els.token_face) {
            TokenShows::Code
        } else {
            TokenShows::Empty
        }
    }

    /// The element of `control` on show, if any.
    fn find(&self, control: Control, lang: Lang) -> Option<Element> {
        let found = match control {
            Control::TestId(id) => by_testid(&self.doc, id),
            Control::BankField(id) => {
                by_testid(&self.doc, &format!("bank-{id}")).or_else(|| by_testid(&self.doc, id))
            }
            Control::BankButton(label) => {
                let label = label.get(lang);
                let buttons = self
                    .doc
                    .query_selector_all("[data-testid=\"bank-screen\"] button")
                    .ok()?;
                (0..buttons.length())
                    .filter_map(|i| buttons.item(i)?.dyn_into::<Element>().ok())
                    .find(|b| b.text_content().is_some_and(|text| text.trim() == label))
            }
        };
        found.filter(shown)
    }

    /// Moves the mark to `target`, scrolling to it when it is new or `moved`. (Not on every
    /// refresh: the customer may scroll away to read.)
    fn mark(&mut self, target: Option<Element>, moved: bool) {
        let new = self.marked != target;
        if new {
            if let Some(old) = self.marked.take() {
                let _ = old.remove_attribute(MARK);
            }
            if let Some(el) = &target {
                let _ = el.set_attribute(MARK, "true");
            }
        }
        if let Some(el) = target.as_ref().filter(|_| new || moved) {
            self.scroll_to(el);
        }
        self.marked = target;
    }

    /// Scrolls the page as little as shows `el` clear of the panel.
    fn scroll_to(&self, el: &Element) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let height = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or_default();
        let by = scroll_to_show(rect(el), Some(rect(&self.els.panel)), height, MARGIN);
        if by != 0.0 {
            window.scroll_by_with_x_and_y(0.0, by);
        }
    }

    /// Whether focus is in the panel (or nowhere, as when a focused button was hidden).
    fn had_focus(&self) -> bool {
        self.doc.active_element().is_none_or(|el| {
            el.tag_name().eq_ignore_ascii_case("body") || self.els.panel.contains(Some(&el))
        })
    }
}

/// Whether `el` is on show (neither it nor a parent is `hidden`).
fn shown(el: &Element) -> bool {
    el.closest("[hidden]").ok().flatten().is_none()
}

/// The room kept around the marked control when it is scrolled to, in CSS pixels.
const MARGIN: f64 = 32.0;

/// Where `el` is on screen.
fn rect(el: &Element) -> Rect {
    let r = el.get_bounding_client_rect();
    Rect {
        top: r.top(),
        bottom: r.bottom(),
        left: r.left(),
        right: r.right(),
    }
}
