//! The guided tour on the page: the panel that walks the customer guide's chapters
//! ([`webtoken_bank::tour`]) and the mark on the control to use.
//!
//! The panel is static markup in `index.html` (`data-testid="tour-panel"`), hidden until
//! ガイドツアー is pressed; what it shows, and which control gets the mark
//! (`data-tour-current="true"`, drawn by `www/tour.css`), come from the core's
//! [`draw`](webtoken_bank::tour::draw::draw); this shell looks the parts up, applies the
//! writes, finds and marks the control, scrolls and moves focus. The page calls
//! [`TourView::refresh`] after every render of the bank or the token and every second, so the
//! mark follows the customer's presses.

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::app::Dispatch;
use super::page::{by_testid, page_lang};
use super::render::Parts;
use webtoken_bank::tour::draw::{Lookup, MARGIN, MARK, Part, draw, focus_part};
use webtoken_bank::tour::{Event, Now, Rect, TokenShows, Tour, scroll_to_show};

/// The tour's state, its elements, the marked control and the owned listeners.
pub struct TourView {
    doc: Document,
    parts: Parts<Part>,
    tour: Tour,
    marked: Option<Element>,
    _listeners: Vec<EventListener>,
}

impl TourView {
    /// Wires the page's tour to `dispatch` and shows its start button; `None` on a page
    /// without the tour's elements.
    pub fn mount(doc: &Document, dispatch: Dispatch<Event>) -> Option<Self> {
        let parts = Parts::find(doc, Part::ALL.map(Part::testid)).ok()?;
        let click = |part: Part, event: fn() -> Event| {
            let dispatch = dispatch.clone();
            EventListener::new(parts.get(part), "click", move |_| dispatch.send(event()))
        };
        let listeners = vec![
            click(Part::Start, || Event::Toggle),
            click(Part::Close, || Event::Close),
            click(Part::Back, || Event::Back),
            click(Part::Next, || Event::Next),
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
            parts,
            tour: Tour::default(),
            marked: None,
            _listeners: listeners,
        };
        view.refresh();
        let _ = view.el(Part::Start).remove_attribute("hidden");
        Some(view)
    }

    fn el(&self, part: Part) -> &Element {
        self.parts.get(part)
    }

    /// Handles a press and renders, moving focus where the customer will want it.
    pub fn update(&mut self, event: Event) {
        let focus = self.tour.update(event);
        // A press on the tour shows its control again, even one marked already.
        self.render(true);
        let Some(target) = focus_part(focus, || self.had_focus()) else {
            return;
        };
        super::render::focus(self.el(target));
    }

    /// Looks at the page again (the bank or the token rendered, a second passed): the tour
    /// follows the bank's screen, and the mark moves to the control on show.
    pub fn refresh(&mut self) {
        self.tour.update(Event::Screen(self.screen()));
        self.render(false);
    }

    /// Applies the core's view of the tour and marks the control to use; `moved`: the
    /// customer pressed the tour's controls, so the control is scrolled to even if it was
    /// marked already.
    fn render(&mut self, moved: bool) {
        let lang = page_lang(&self.doc);
        let screen = self.screen();
        let token = TokenShows::read(
            shown(self.el(Part::TokenLock)),
            shown(self.el(Part::TokenFace)),
        );
        let now = Now {
            screen: &screen,
            token,
        };
        let mark = draw(&self.tour, lang, &now, &mut self.parts.sink());
        let target = mark.and_then(|lookup| self.find(&lookup));
        self.mark(target, moved);
    }

    /// The bank's screen (`data-screen`), empty before the bank shows.
    fn screen(&self) -> String {
        by_testid(&self.doc, "bank-screen")
            .and_then(|el| el.get_attribute("data-screen"))
            .unwrap_or_default()
    }

    /// The element the core's lookup names, if it is on show.
    fn find(&self, lookup: &Lookup) -> Option<Element> {
        let found = match lookup {
            Lookup::TestIds(id, or) => {
                by_testid(&self.doc, id).or_else(|| or.and_then(|id| by_testid(&self.doc, id)))
            }
            Lookup::Button(_) => {
                let buttons = self
                    .doc
                    .query_selector_all("[data-testid=\"bank-screen\"] button")
                    .ok()?;
                (0..buttons.length())
                    .filter_map(|i| buttons.item(i)?.dyn_into::<Element>().ok())
                    .find(|b| b.text_content().is_some_and(|text| lookup.names(&text)))
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
        let by = scroll_to_show(rect(el), Some(rect(self.el(Part::Panel))), height, MARGIN);
        if by != 0.0 {
            window.scroll_by_with_x_and_y(0.0, by);
        }
    }

    /// Whether focus is in the panel (or nowhere, as when a focused button was hidden).
    fn had_focus(&self) -> bool {
        self.doc.active_element().is_none_or(|el| {
            el.tag_name().eq_ignore_ascii_case("body") || self.el(Part::Panel).contains(Some(&el))
        })
    }
}

/// Whether `el` is on show (neither it nor a parent is `hidden`).
fn shown(el: &Element) -> bool {
    el.closest("[hidden]").ok().flatten().is_none()
}

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
