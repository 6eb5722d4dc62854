//! The lab panel's behaviour without a browser: whether it is open, what the token showed,
//! the last report and which reading it answers. The shell builds the panel's elements, moves
//! the page's clock as told
//! ([`Effect::SetOffset`](crate::lab::panel::Effect::SetOffset)) and runs the readings
//! ([`Request`](crate::lab::panel::Request)), whose answers come back as
//! [`Message::Report`](crate::lab::panel::Message::Report).

use super::{History, Report, Service, Shift, Shown};
use webtoken_engine::Params;
use webtoken_engine::token_id::TokenId;

/// What the lab's controls and readings send.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Message {
    /// The footer switch.
    Toggle,
    /// A clock control.
    Shift(Shift),
    /// The answer to a [`Request`], with its number.
    Report(u64, Box<Report>),
}

/// What the page does after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing more.
    None,
    /// Sets the page's clock shift to this many seconds: the token is drawn again, and the
    /// service read again.
    SetOffset(i64),
}

/// A reading of the token service for the panel.
#[derive(Debug)]
pub struct Request {
    /// Its number: an answer to an older one than the last shown is dropped.
    pub number: u64,
    /// The report so far (the token's side).
    pub report: Report,
    /// The credential to inspect in the in-page service (`None`: nothing to ask).
    pub token_id: Option<TokenId>,
}

/// What the token displays now, as the lab sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The token in the list, and its Token ID when the token service issued it.
    pub token: (u32, Option<TokenId>),
    /// Its code parameters.
    pub params: Params,
    /// The code and its step.
    pub shown: Shown,
}

/// The lab's state.
#[derive(Debug, Clone, Default)]
pub struct Lab {
    open: bool,
    history: History<(u32, Option<TokenId>)>,
    report: Option<Report>,
    /// Readings asked for, and the newest one shown.
    asked: u64,
    shown: u64,
    /// Whether a staff member is signed in: only then does the clock move or the service
    /// get read.
    staff: bool,
}

impl Lab {
    /// A lab, open or closed.
    pub fn new(open: bool) -> Self {
        Self {
            open,
            ..Self::default()
        }
    }

    /// Whether the panel is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The last report shown.
    pub fn report(&self) -> Option<&Report> {
        self.report.as_ref()
    }

    /// Whether a staff member is signed in (the clock controls work only then).
    pub fn staff(&self) -> bool {
        self.staff
    }

    /// Notes whether a staff member is signed in, with the clock shifted by `offset`. When
    /// nobody is (never yet, signed out, idle too long), the readings are forgotten and a
    /// shifted clock goes back to the real time.
    pub fn set_staff(&mut self, staff: bool, offset: i64) -> Effect {
        self.staff = staff;
        if staff {
            return Effect::None;
        }
        self.history.clear();
        self.report = None;
        if offset == 0 {
            Effect::None
        } else {
            Effect::SetOffset(0)
        }
    }

    /// Handles `message` with the page's clock shifted by `offset` seconds. The clock moves
    /// only for a signed-in staff member ([`Lab::set_staff`]).
    pub fn update(&mut self, message: Message, offset: i64) -> Effect {
        match message {
            Message::Toggle => {
                if self.open {
                    // Closing puts the clock back: the page never stays shifted unseen.
                    self.history.clear();
                    self.report = None;
                }
                self.open = !self.open;
                Effect::SetOffset(0)
            }
            Message::Shift(shift) if self.open && self.staff => {
                Effect::SetOffset(shift.apply(offset))
            }
            Message::Shift(_) => Effect::None,
            Message::Report(number, report) => {
                if number >= self.shown && self.open && self.staff {
                    self.shown = number;
                    self.report = Some(*report);
                }
                Effect::None
            }
        }
    }

    /// Notes what the token displays at the shifted time `now`; while the panel is open, the
    /// reading of the token service to run next. `remote`: the page uses a remote service,
    /// which keeps its own clock.
    pub fn observe(
        &mut self,
        seen: Option<Seen>,
        offset: i64,
        now: u64,
        remote: bool,
    ) -> Option<Request> {
        if !self.open || !self.staff {
            return None;
        }
        let (params, token_id) = match seen {
            Some(seen) => {
                let token_id = seen.token.1.clone();
                self.history.observe(seen.token, seen.shown);
                (Some(seen.params), token_id)
            }
            None => {
                self.history.clear();
                (None, None)
            }
        };
        let report = Report::new(offset, now, params, self.history.codes());
        let (report, token_id) = match (params, token_id) {
            // That the service keeps its own clock matters most, token or not.
            _ if remote => (report.without_service(Service::Remote), None),
            (None, _) => (report, None),
            (Some(_), None) => (report.without_service(Service::NotIssued), None),
            (Some(_), Some(id)) => (report, Some(id)),
        };
        self.asked += 1;
        Some(Request {
            number: self.asked,
            report,
            token_id,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn seen(id: u32, token_id: Option<TokenId>, step: u64) -> Seen {
        Seen {
            token: (id, token_id),
            params: Params::default(),
            shown: Shown {
                code: format!("{step:06}"),
                step,
            },
        }
    }

    fn issued() -> TokenId {
        TokenId::generate("ABCD", 1234).unwrap()
    }

    /// A lab with a staff member signed in.
    fn staffed(open: bool) -> Lab {
        let mut lab = Lab::new(open);
        assert_eq!(lab.set_staff(true, 0), Effect::None);
        lab
    }

    #[test]
    fn without_a_signed_in_staff_member_the_clock_stays_and_nothing_is_read() {
        let mut lab = Lab::new(true);
        assert!(!lab.staff());
        for shift in Shift::ALL {
            assert_eq!(lab.update(Message::Shift(shift), 0), Effect::None);
        }
        assert!(
            lab.observe(Some(seen(0, Some(issued()), 1)), 0, 30, false)
                .is_none()
        );
        // Signed in, the clock moves; signed out (or idle), it goes back and the lab forgets.
        lab.set_staff(true, 0);
        assert_eq!(
            lab.update(Message::Shift(Shift::Plus5m), 0),
            Effect::SetOffset(300)
        );
        let request = lab
            .observe(Some(seen(0, Some(issued()), 1)), 300, 330, false)
            .unwrap();
        lab.update(
            Message::Report(request.number, Box::new(request.report)),
            300,
        );
        assert!(lab.report().is_some());
        assert_eq!(lab.set_staff(false, 300), Effect::SetOffset(0));
        assert!(lab.report().is_none());
        assert_eq!(lab.set_staff(false, 0), Effect::None);
    }

    #[test]
    fn a_closed_lab_reads_nothing_and_ignores_the_clock_controls() {
        let mut lab = Lab::new(false);
        assert!(lab.observe(Some(seen(0, None, 1)), 0, 30, false).is_none());
        assert_eq!(lab.update(Message::Shift(Shift::ALL[0]), 0), Effect::None);
    }

    #[test]
    fn the_switch_opens_and_closing_puts_the_clock_back_and_forgets() {
        let mut lab = staffed(false);
        assert_eq!(lab.update(Message::Toggle, 0), Effect::SetOffset(0));
        assert!(lab.is_open());
        let request = lab
            .observe(Some(seen(0, Some(issued()), 1)), 0, 30, false)
            .unwrap();
        lab.update(Message::Report(request.number, Box::new(request.report)), 0);
        assert!(lab.report().is_some());
        assert_eq!(lab.update(Message::Toggle, 120), Effect::SetOffset(0));
        assert!(!lab.is_open());
        assert!(lab.report().is_none());
        lab.update(Message::Toggle, 0);
        let request = lab
            .observe(Some(seen(0, Some(issued()), 9)), 0, 270, false)
            .unwrap();
        assert_eq!(
            request.report.codes.len(),
            1,
            "the old codes were forgotten"
        );
    }

    #[test]
    fn a_shift_moves_the_clock_from_where_it_is() {
        let mut lab = staffed(true);
        for shift in Shift::ALL {
            assert_eq!(
                lab.update(Message::Shift(shift), 60),
                Effect::SetOffset(shift.apply(60))
            );
        }
    }

    #[test]
    fn an_older_reading_never_replaces_a_newer_one() {
        let mut lab = staffed(true);
        let first = lab
            .observe(Some(seen(0, Some(issued()), 1)), 0, 30, false)
            .unwrap();
        let second = lab
            .observe(Some(seen(0, Some(issued()), 2)), 0, 60, false)
            .unwrap();
        assert!(second.number > first.number);
        lab.update(Message::Report(second.number, Box::new(second.report)), 0);
        lab.update(Message::Report(first.number, Box::new(first.report)), 0);
        assert_eq!(lab.report().unwrap().now, 60);
    }

    #[test]
    fn a_reading_that_answers_after_closing_is_dropped() {
        let mut lab = staffed(true);
        let request = lab.observe(None, 0, 30, false).unwrap();
        lab.update(Message::Toggle, 0);
        lab.update(Message::Report(request.number, Box::new(request.report)), 0);
        assert!(lab.report().is_none());
    }

    #[test]
    fn the_reading_asks_the_service_only_about_an_issued_token_in_the_page() {
        let mut lab = staffed(true);
        let request = lab
            .observe(Some(seen(0, Some(issued()), 1)), 0, 30, false)
            .unwrap();
        assert_eq!(request.token_id, Some(issued()));
        assert_eq!(request.report.service, Service::Pending);

        let request = lab.observe(Some(seen(1, None, 1)), 0, 30, false).unwrap();
        assert_eq!(request.token_id, None);
        assert_eq!(request.report.service, Service::NotIssued);

        let request = lab.observe(None, 0, 30, false).unwrap();
        assert_eq!(request.token_id, None);
        assert_eq!(request.report.service, Service::NoToken);
        assert!(request.report.codes.is_empty(), "no token: no codes");

        for seen in [Some(seen(0, Some(issued()), 1)), None] {
            let request = lab.observe(seen, 0, 30, true).unwrap();
            assert_eq!(request.token_id, None);
            assert_eq!(request.report.service, Service::Remote);
        }
    }

    #[test]
    fn the_history_follows_the_active_token() {
        let mut lab = staffed(true);
        lab.observe(Some(seen(0, None, 1)), 0, 30, false);
        let request = lab.observe(Some(seen(0, None, 2)), 0, 60, false).unwrap();
        assert_eq!(request.report.codes.len(), 2);
        let request = lab.observe(Some(seen(1, None, 2)), 0, 60, false).unwrap();
        assert_eq!(request.report.codes.len(), 1, "another token starts afresh");
    }
}
