//! The guided tour: the customer guide's four chapters (get a token, register, log in, stop)
//! walked one control at a time over the page.
//!
//! The steps are data ([`STEPS`]): each names its chapter, its words in the catalogue's
//! `[tour]` section, where its control lives ([`Place`]) and the control ([`Control`]). When
//! the control is not on show yet (the code field appears only after 次へ), [`Step::guide`]
//! names the control that leads there instead, with what to do first. [`Tour`] is the state:
//! open or not, the step shown, and the bank screen seen last, so that the tour follows the
//! customer when a press moves the bank on. The page draws it (`src/tour.rs`) from [`draw`].
//!
//! ```
//! use webtoken_bank::tour::{Chapter, Event, Tour};
//!
//! let mut tour = Tour::default();
//! tour.update(Event::Toggle);
//! assert_eq!(tour.step().chapter, Chapter::Token);
//! ```

use crate::Text as BankText;
pub use webtoken_engine::i18n::tour::Text;

/// The tour's view as writes, and how the shell finds the control to mark.
pub mod draw;

#[cfg(test)]
mod tests;

/// A chapter of the customer guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Chapter {
    /// 1. The token (the guide's トークンのダウンロード: here the page gets one).
    Token,
    /// 2. 利用登録.
    Register,
    /// 3. ログイン方法.
    Login,
    /// 4. 利用停止方法.
    Stop,
}

impl Chapter {
    /// The chapter's number in the guide, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            Self::Token => 1,
            Self::Register => 2,
            Self::Login => 3,
            Self::Stop => 4,
        }
    }

    /// The chapter's title.
    pub fn title(self) -> Text {
        match self {
            Self::Token => Text::ChapterToken,
            Self::Register => Text::ChapterRegister,
            Self::Login => Text::ChapterLogin,
            Self::Stop => Text::ChapterStop,
        }
    }
}

/// Where a step's control lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The token panel.
    Token,
    /// A screen of the bank, by its [`View::id`](crate::View::id).
    Bank(&'static str),
    /// The tour's own panel (on show whatever the bank shows).
    Tour,
}

impl Place {
    /// Whether this place is on show while the bank shows `screen`.
    fn shows(self, screen: &str) -> bool {
        match self {
            Self::Bank(id) => id == screen,
            Self::Tour => true,
            Self::Token => false,
        }
    }
}

/// A control of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// An element by its `data-testid` (the token panel's, the tour's own).
    TestId(&'static str),
    /// An input of the bank's screen, by its field id (`contract-id` is the input with
    /// `data-testid="bank-contract-id"`; the staff sign-in's keep their own: `staff-id`).
    BankField(&'static str),
    /// A button or link of the bank's screen, by its label.
    BankButton(BankText),
}

/// One step of the tour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The guide's chapter.
    pub chapter: Chapter,
    /// What the step says.
    pub text: Text,
    /// Where its control lives.
    pub place: Place,
    /// The control to use.
    pub control: Control,
}

const fn step(chapter: Chapter, text: Text, place: Place, control: Control) -> Step {
    Step {
        chapter,
        text,
        place,
        control,
    }
}

const fn token(text: Text, testid: &'static str) -> Step {
    step(Chapter::Token, text, Place::Token, Control::TestId(testid))
}

const fn field(chapter: Chapter, text: Text, screen: &'static str, id: &'static str) -> Step {
    step(chapter, text, Place::Bank(screen), Control::BankField(id))
}

const fn press(chapter: Chapter, text: Text, screen: &'static str, label: BankText) -> Step {
    step(
        chapter,
        text,
        Place::Bank(screen),
        Control::BankButton(label),
    )
}

use Chapter::{Login, Register, Stop};

/// The tour, in the guide's order.
pub const STEPS: &[Step] = &[
    token(Text::TokenId, "token-id"),
    token(Text::TokenCode, "token-code"),
    token(Text::TokenCountdown, "token-countdown"),
    press(
        Register,
        Text::RegisterOpen,
        "login",
        BankText::LinkRegistration,
    ),
    field(
        Register,
        Text::RegisterContractId,
        REG_CREDENTIALS,
        CONTRACT_ID,
    ),
    field(Register, Text::RegisterPassword, REG_CREDENTIALS, PASSWORD),
    press(
        Register,
        Text::RegisterNext,
        REG_CREDENTIALS,
        BankText::ButtonNext,
    ),
    field(Register, Text::RegisterTokenId, REG_DETAILS, "token-id"),
    field(Register, Text::RegisterCode, REG_DETAILS, CODE),
    press(
        Register,
        Text::RegisterSubmit,
        REG_DETAILS,
        BankText::ButtonRegister,
    ),
    press(
        Register,
        Text::RegisterDone,
        REG_DONE,
        BankText::ButtonBackToLogin,
    ),
    field(Login, Text::LoginContractId, "login", CONTRACT_ID),
    field(Login, Text::LoginPassword, "login", PASSWORD),
    press(Login, Text::LoginSubmit, "login", BankText::ButtonLogin),
    field(Login, Text::LoginCode, LOGIN_CODE, CODE),
    press(
        Login,
        Text::LoginConfirm,
        LOGIN_CODE,
        BankText::ButtonConfirm,
    ),
    press(Login, Text::LoginDone, SIGNED_IN, BankText::ButtonLogout),
    press(Stop, Text::StopOpen, "login", BankText::LinkStop),
    field(Stop, Text::StopContractId, STOP_CREDENTIALS, CONTRACT_ID),
    field(Stop, Text::StopPassword, STOP_CREDENTIALS, PASSWORD),
    press(Stop, Text::StopNext, STOP_CREDENTIALS, BankText::ButtonNext),
    field(Stop, Text::StopCode, STOP_CODE, CODE),
    press(Stop, Text::StopSubmit, STOP_CODE, BankText::ButtonStop),
    press(Stop, Text::StopDone, STOP_DONE, BankText::ButtonBackToLogin),
    // What the customer cannot do: staff stop the token, signed in first.
    press(Stop, Text::StaffOpen, "login", BankText::LinkStaff),
    field(Stop, Text::StaffSignIn, STAFF_SIGNIN, STAFF_ID),
    step(Stop, Text::End, Place::Tour, Control::TestId("tour-next")),
];

// The bank's screens and inputs the tour names (`View::id`, `FieldView::id`).
const REG_CREDENTIALS: &str = "registration-credentials";
const REG_DETAILS: &str = "registration-details";
const REG_DONE: &str = "registration-done";
const LOGIN_CODE: &str = "login-code";
const SIGNED_IN: &str = "signed-in";
const STOP_CREDENTIALS: &str = "stop-credentials";
const STOP_CODE: &str = "stop-code";
const STOP_DONE: &str = "stop-done";
const STAFF_SIGNIN: &str = "staff-signin";
const STAFF_ID: &str = "staff-id";
const CONTRACT_ID: &str = "contract-id";
const PASSWORD: &str = "password";
const CODE: &str = "code";

/// The bank's screens one press apart, with the control pressed and what the customer does
/// first: every screen but the login screen has one way in.
const WAYS: [(&str, &str, BankText, Text); 9] = [
    (
        "login",
        REG_CREDENTIALS,
        BankText::LinkRegistration,
        Text::FirstOpenRegistration,
    ),
    (
        REG_CREDENTIALS,
        REG_DETAILS,
        BankText::ButtonNext,
        Text::FirstNext,
    ),
    (
        REG_DETAILS,
        REG_DONE,
        BankText::ButtonRegister,
        Text::FirstRegister,
    ),
    ("login", LOGIN_CODE, BankText::ButtonLogin, Text::FirstLogin),
    (
        LOGIN_CODE,
        SIGNED_IN,
        BankText::ButtonConfirm,
        Text::FirstConfirm,
    ),
    (
        "login",
        STOP_CREDENTIALS,
        BankText::LinkStop,
        Text::FirstOpenStop,
    ),
    (
        STOP_CREDENTIALS,
        STOP_CODE,
        BankText::ButtonNext,
        Text::FirstNext,
    ),
    (STOP_CODE, STOP_DONE, BankText::ButtonStop, Text::FirstStop),
    (
        "login",
        STAFF_SIGNIN,
        BankText::LinkStaff,
        Text::FirstOpenStaff,
    ),
];

/// What the token panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenShows {
    /// A token with its Token ID and code.
    Code,
    /// No token yet.
    Empty,
    /// The tokens are locked with a passphrase.
    Locked,
}

/// What the page shows now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now<'a> {
    /// The bank's screen ([`View::id`](crate::View::id)); empty before the bank shows.
    pub screen: &'a str,
    /// The token panel.
    pub token: TokenShows,
}

/// The control to highlight for a step and, when the step's own control is not on show yet,
/// what the customer does first (the highlighted control is then the one that leads there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guidance {
    /// The control to highlight.
    pub control: Control,
    /// What to do first, if anything.
    pub first: Option<Text>,
}

impl Step {
    /// The control to highlight while the page shows `now`.
    pub fn guide(&self, now: &Now<'_>) -> Guidance {
        let first = |control, text| Guidance {
            control,
            first: Some(text),
        };
        match (self.place, now.token) {
            (Place::Token, TokenShows::Empty) => {
                first(Control::TestId("token-new"), Text::FirstGetToken)
            }
            (Place::Token, TokenShows::Locked) => {
                first(Control::TestId("token-unlock-input"), Text::FirstUnlock)
            }
            (Place::Bank(screen), _) => match way(now.screen, screen) {
                Some((label, text)) => first(Control::BankButton(label), text),
                None => self.here(),
            },
            _ => self.here(),
        }
    }

    fn here(&self) -> Guidance {
        Guidance {
            control: self.control,
            first: None,
        }
    }
}

/// The press that takes the bank from screen `from` one step toward screen `to`, with what
/// the customer does first; `None` when the bank shows `to` already (or nothing yet).
///
/// Walks back from `to`, one press at a time, to the login screen: when `from` is on that
/// path, its way on; otherwise back to the login screen (ログアウト from the signed-in page,
/// ログイン画面に戻る from every other screen).
pub fn way(from: &str, to: &str) -> Option<(BankText, Text)> {
    if from.is_empty() || from == to {
        return None;
    }
    let mut at = to;
    while let Some(&(before, _, label, text)) = WAYS.iter().find(|w| w.1 == at) {
        if before == from {
            return Some((label, text));
        }
        at = before;
    }
    Some(if from == SIGNED_IN {
        (BankText::ButtonLogout, Text::FirstLogout)
    } else {
        (BankText::ButtonBackToLogin, Text::FirstBackToLogin)
    })
}

/// What the tour's controls and the page send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// ガイドツアー: opens the tour, or closes it when open.
    Toggle,
    /// 次の手順 (ツアーを終了 on the last step).
    Next,
    /// 前の手順.
    Back,
    /// 閉じる, or Escape.
    Close,
    /// The bank shows this screen (sent on every render; only a change counts).
    Screen(String),
}

/// Where focus goes after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The tour's heading (the chapter), as the tour opens.
    Heading,
    /// The next-step button.
    Next,
    /// The previous-step button.
    Back,
    /// Back to ガイドツアー, if the tour had focus (the tour closed).
    Start,
    /// Where it is.
    Keep,
}

/// The tour's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tour {
    open: bool,
    step: usize,
    /// The bank's screen last seen.
    screen: String,
}

impl Tour {
    /// Whether the tour is on show.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The step shown (kept while the tour is closed).
    pub fn step(&self) -> &'static Step {
        &STEPS[self.step]
    }

    /// The step's number, from 1.
    pub fn number(&self) -> usize {
        self.step + 1
    }

    /// Whether the step shown is the last.
    pub fn is_last(&self) -> bool {
        self.step + 1 == STEPS.len()
    }

    /// Handles `event`; where focus goes.
    pub fn update(&mut self, event: Event) -> Focus {
        match (self.open, event) {
            (false, Event::Toggle) => {
                self.open = true;
                Focus::Heading
            }
            (true, Event::Toggle | Event::Close) => {
                self.open = false;
                Focus::Start
            }
            (true, Event::Next) if self.is_last() => {
                // Finished: the next tour starts from the beginning.
                self.open = false;
                self.step = 0;
                Focus::Start
            }
            (true, Event::Next) => {
                self.step += 1;
                Focus::Next
            }
            (true, Event::Back) if self.step > 0 => {
                self.step -= 1;
                // The first step has no way back: its button is disabled.
                if self.step == 0 {
                    Focus::Next
                } else {
                    Focus::Back
                }
            }
            (open, Event::Screen(screen)) => {
                if screen != self.screen {
                    if open {
                        self.follow(&screen);
                    }
                    self.screen = screen;
                }
                Focus::Keep
            }
            (_, Event::Next | Event::Back | Event::Close) => Focus::Keep,
        }
    }

    /// The customer's press moved the bank on to `screen`: when that is where the step after
    /// the current screen's steps lives, the tour goes there (the customer did these steps).
    /// Only a change of screen moves the tour, so 前の手順 is never undone.
    fn follow(&mut self, screen: &str) {
        let here = self.step().place;
        let next = STEPS
            .iter()
            .enumerate()
            .skip(self.step + 1)
            .find(|(_, s)| s.place != here);
        if let Some((index, step)) = next
            && step.place.shows(screen)
        {
            self.step = index;
        }
    }
}

/// A box on screen, in CSS pixels from the window's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Its top edge.
    pub top: f64,
    /// Its bottom edge.
    pub bottom: f64,
    /// Its left edge.
    pub left: f64,
    /// Its right edge.
    pub right: f64,
}

/// How far to scroll the page down (negative: up) so that `target` shows, `margin` clear of
/// the window's top and of its bottom, or of the top of `panel` (the tour's, fixed) where the
/// panel covers the target's column; 0 when it shows already. Too tall to fit, its top shows.
pub fn scroll_to_show(target: Rect, panel: Option<Rect>, height: f64, margin: f64) -> f64 {
    let covered = panel.filter(|p| p.left < target.right && target.left < p.right);
    let bottom = covered.map_or(height, |p| p.top.min(height)) - margin;
    let top = margin;
    if target.top < top {
        target.top - top
    } else if target.bottom > bottom {
        (target.bottom - bottom).min(target.top - top)
    } else {
        0.0
    }
}
