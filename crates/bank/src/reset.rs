//! The bank section's reset of the demo data, as a form flow: asked first, refused while a
//! screen awaits the token service's answer, its outcome shown until the next press.

use webtoken_engine::i18n::page::Text as Words;

/// Where the reset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reset {
    /// Nothing to show.
    #[default]
    Idle,
    /// The question is open.
    Asking,
    /// The demo data was reset (`true`), or could not be; said until the next press.
    Done(bool),
    /// Asked for with no staff member signed in: said until the next press.
    NeedsStaff,
}

/// What happens to the reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetEvent {
    /// デモデータをリセット: asks first.
    Ask,
    /// The question answered no.
    Cancel,
    /// The question answered yes.
    Confirm,
    /// A press on the bank's screen: the outcome has been read.
    Press,
}

impl Reset {
    /// The reset after `event`; `busy`: a screen awaits an answer (its bank is kept);
    /// `staff`: a staff member is signed in (without one the reset is refused and says why).
    /// `true` with it: make the demo data afresh now
    /// ([`Bank::reset_demo`](crate::Bank::reset_demo), which takes the staff session), and
    /// report with [`Reset::done`].
    pub fn update(self, event: ResetEvent, busy: bool, staff: bool) -> (Reset, bool) {
        match (self, event) {
            (_, ResetEvent::Ask | ResetEvent::Confirm) if !staff => (Reset::NeedsStaff, false),
            (_, ResetEvent::Ask) if busy => (Reset::Idle, false),
            (_, ResetEvent::Ask) => (Reset::Asking, false),
            (Reset::Asking, ResetEvent::Confirm) if !busy => (Reset::Asking, true),
            (Reset::Asking, ResetEvent::Cancel | ResetEvent::Confirm) => (Reset::Idle, false),
            (Reset::Done(_) | Reset::NeedsStaff, ResetEvent::Press) => (Reset::Idle, false),
            (state, _) => (state, false),
        }
    }

    /// The reset once the demo data was made afresh (`ok`) or could not be.
    pub fn done(ok: bool) -> Reset {
        Reset::Done(ok)
    }

    /// Whether the question is open.
    pub fn asking(self) -> bool {
        self == Reset::Asking
    }

    /// The outcome to show, if any.
    pub fn outcome(self) -> Option<Words> {
        match self {
            Reset::Done(true) => Some(Words::ResetDone),
            Reset::Done(false) => Some(Words::ResetFailed),
            Reset::NeedsStaff => Some(Words::ResetNeedsStaff),
            Reset::Idle | Reset::Asking => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_is_asked_first_and_said_until_the_next_press() {
        let (asked, go) = Reset::Idle.update(ResetEvent::Ask, false, true);
        assert_eq!((asked, go), (Reset::Asking, false));
        assert!(asked.asking());
        let (state, go) = asked.update(ResetEvent::Confirm, false, true);
        assert!(go, "make the demo data afresh");
        assert_eq!(state, Reset::Asking);
        let done = Reset::done(true);
        assert_eq!(done.outcome(), Some(Words::ResetDone));
        assert_eq!(Reset::done(false).outcome(), Some(Words::ResetFailed));
        assert_eq!(done.update(ResetEvent::Cancel, false, true), (done, false));
        assert_eq!(
            done.update(ResetEvent::Press, false, true),
            (Reset::Idle, false)
        );
    }

    #[test]
    fn no_reset_without_a_signed_in_staff_member() {
        for state in [Reset::Idle, Reset::Asking, Reset::done(true)] {
            for event in [ResetEvent::Ask, ResetEvent::Confirm] {
                assert_eq!(
                    state.update(event, false, false),
                    (Reset::NeedsStaff, false),
                    "{state:?} {event:?}"
                );
            }
        }
        assert_eq!(Reset::NeedsStaff.outcome(), Some(Words::ResetNeedsStaff));
        assert_eq!(
            Reset::NeedsStaff.update(ResetEvent::Press, false, false),
            (Reset::Idle, false)
        );
    }

    #[test]
    fn no_reset_while_a_screen_awaits_an_answer() {
        assert_eq!(
            Reset::Idle.update(ResetEvent::Ask, true, true),
            (Reset::Idle, false)
        );
        assert_eq!(
            Reset::Asking.update(ResetEvent::Confirm, true, true),
            (Reset::Idle, false),
            "the question closes, the bank is kept"
        );
    }

    #[test]
    fn cancel_closes_the_question_and_a_stray_confirm_does_nothing() {
        assert_eq!(
            Reset::Asking.update(ResetEvent::Cancel, false, true),
            (Reset::Idle, false)
        );
        assert_eq!(
            Reset::Idle.update(ResetEvent::Confirm, false, true),
            (Reset::Idle, false)
        );
        assert_eq!(
            Reset::Asking.update(ResetEvent::Press, false, true),
            (Reset::Asking, false)
        );
    }

    #[test]
    fn asking_again_forgets_the_last_outcome() {
        assert_eq!(
            Reset::done(true).update(ResetEvent::Ask, false, true),
            (Reset::Asking, false)
        );
        assert_eq!(
            Reset::done(true).update(ResetEvent::Ask, true, true),
            (Reset::Idle, false)
        );
    }
}
