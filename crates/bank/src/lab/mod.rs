//! The time lab, a staff demonstration (never for customers): it shifts the clock that the token
//! and the in-page token service share, and shows what the service would decide now about the
//! codes the token has shown. With it staff can show on screen why a code expires, why a used
//! code is refused, how the lockout works and what resync fixes.
//!
//! Everything here is pure: the browser shell (`src/lab_panel.rs`) keeps the clock's
//! offset, feeds the codes the token displays into a [`History`], asks the token service for a
//! [`Report`] and writes the [`View`] made from it. The service is asked through
//! [`TokenService::inspect`] and [`TokenService::would_accept`], which change nothing and write
//! no audit event. Codes shown here are the ones the token shows anyway; the secret never is.
//!
//! ```
//! use webtoken_engine::{Params, code_at_step, token_id::TokenId, Secret};
//! use webtoken_engine::i18n::Lang;
//! use webtoken_bank::lab::{History, Report, Shift, Shown, Verdict};
//! use webtoken_token_service::{MemoryStore, Policy, TokenService};
//!
//! let service = TokenService::new(MemoryStore::new(), Policy::default());
//! let secret = Secret::from_bytes(b"12345678901234567890".to_vec()).expect("160 bits");
//! let id = TokenId::generate("TEST", 1).expect("a valid serial");
//! let params = Params::default();
//! service.provision(id.clone(), secret.clone(), params, 0).expect("a new Token ID");
//! let mut history = History::default();
//! let code = code_at_step(&secret, 2, &params).expect("valid params");
//! history.observe(1, Shown { code, step: 2 });
//! // Five minutes on, the code shown at t = 60 has expired.
//! let offset = Shift::Plus5m.apply(0);
//! let now = 60 + offset.unsigned_abs();
//! let report = Report::new(offset, now, Some(params), history.codes()).checked(&service, &id);
//! let view = report.view(Lang::En);
//! assert_eq!(view.codes[0].verdict, Verdict::Expired);
//! assert_eq!(view.offset, "5 min 0 s ahead");
//! ```

use crate::format_jst;
use webtoken_engine::Params;
use webtoken_engine::group_code;
use webtoken_engine::i18n::lab::Text;
use webtoken_engine::i18n::{Lang, fill};
use webtoken_engine::token_id::TokenId;
use webtoken_token_service::{
    CredentialStatus, CredentialStore, DryRun, Inspection, Rejected, TokenService,
};

/// The lab panel's state machine: open or closed, its readings and their order.
pub mod panel;

/// The lab panel's view as writes to its elements.
pub mod draw;

#[cfg(test)]
mod tests;

/// Largest shift of the clock either way, in seconds (one day).
pub const MAX_OFFSET: i64 = 86_400;
/// How many of the token's latest codes the lab keeps.
pub const HISTORY: usize = 5;

/// A press on the lab's clock controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    /// Five minutes back.
    Minus5m,
    /// Thirty seconds back.
    Minus30s,
    /// Thirty seconds on.
    Plus30s,
    /// Five minutes on.
    Plus5m,
    /// Back to the real time.
    Reset,
}

impl Shift {
    /// The controls, in the order they are shown.
    pub const ALL: [Shift; 5] = [
        Shift::Minus5m,
        Shift::Minus30s,
        Shift::Plus30s,
        Shift::Plus5m,
        Shift::Reset,
    ];

    /// The clock's offset (seconds) after this press, within [`MAX_OFFSET`] either way.
    pub fn apply(self, offset: i64) -> i64 {
        let by = match self {
            Shift::Minus5m => -300,
            Shift::Minus30s => -30,
            Shift::Plus30s => 30,
            Shift::Plus5m => 300,
            Shift::Reset => return 0,
        };
        offset.saturating_add(by).clamp(-MAX_OFFSET, MAX_OFFSET)
    }

    /// The control's `data-testid`.
    pub fn testid(self) -> &'static str {
        match self {
            Shift::Minus5m => "lab-minus-5m",
            Shift::Minus30s => "lab-minus-30s",
            Shift::Plus30s => "lab-plus-30s",
            Shift::Plus5m => "lab-plus-5m",
            Shift::Reset => "lab-reset",
        }
    }

    /// The control's label and its spoken name.
    pub fn words(self) -> (Text, Text) {
        match self {
            Shift::Minus5m => (Text::Minus5m, Text::Minus5mAria),
            Shift::Minus30s => (Text::Minus30s, Text::Minus30sAria),
            Shift::Plus30s => (Text::Plus30s, Text::Plus30sAria),
            Shift::Plus5m => (Text::Plus5m, Text::Plus5mAria),
            Shift::Reset => (Text::Reset, Text::ResetAria),
        }
    }
}

/// A code the token displayed, with the time step it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The code, digits only.
    pub code: String,
    /// Its time step (RFC 6238 `T`).
    pub step: u64,
}

/// The latest codes the active token displayed, newest first, at most [`HISTORY`]; `K` names
/// the token, and another token starts a new history.
#[derive(Debug, Clone)]
pub struct History<K> {
    token: Option<K>,
    codes: Vec<Shown>,
}

impl<K> Default for History<K> {
    fn default() -> Self {
        History {
            token: None,
            codes: Vec::new(),
        }
    }
}

impl<K: PartialEq> History<K> {
    /// Notes that `token` displays `shown` now. A step seen before moves to the front (the
    /// clock was set back to it), so each step is listed once.
    pub fn observe(&mut self, token: K, shown: Shown) {
        if self.token.as_ref() != Some(&token) {
            self.token = Some(token);
            self.codes.clear();
        }
        if self.codes.first() == Some(&shown) {
            return;
        }
        self.codes.retain(|old| old.step != shown.step);
        self.codes.insert(0, shown);
        self.codes.truncate(HISTORY);
    }

    /// No token is active: forgets the codes.
    pub fn clear(&mut self) {
        self.token = None;
        self.codes.clear();
    }

    /// The codes, newest first.
    pub fn codes(&self) -> &[Shown] {
        &self.codes
    }
}

/// What the lab can see of the token service.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Service {
    /// Not asked yet.
    Pending,
    /// The page uses a remote token service, which decides with its own clock: the lab shifts
    /// only the token's clock and shows nothing of the service.
    Remote,
    /// No token is active.
    NoToken,
    /// The active token has no Token ID (imported from elsewhere): the service does not know it.
    NotIssued,
    /// The in-page service has no credential with the token's Token ID.
    Unknown,
    /// The in-page service's view of the credential.
    Known(Inspection),
}

/// One code of the history, with what the service would answer for it now (`None`: not asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The code and its step.
    pub shown: Shown,
    /// The service's dry run.
    pub dry_run: Option<DryRun>,
}

/// Everything the lab shows, read at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The clock's shift, seconds.
    pub offset: i64,
    /// The shifted time, Unix seconds.
    pub now: u64,
    /// The active token's parameters (`None` without a token).
    pub params: Option<Params>,
    /// What the service holds.
    pub service: Service,
    /// The history's codes, newest first.
    pub codes: Vec<Checked>,
}

impl Report {
    /// A report of `codes` at the shifted time `now` with the service not asked yet.
    pub fn new(offset: i64, now: u64, params: Option<Params>, codes: &[Shown]) -> Report {
        Report {
            offset,
            now,
            params,
            service: if params.is_some() {
                Service::Pending
            } else {
                Service::NoToken
            },
            codes: codes
                .iter()
                .map(|shown| Checked {
                    shown: shown.clone(),
                    dry_run: None,
                })
                .collect(),
        }
    }

    /// The same report, saying what the lab cannot see of the service.
    pub fn without_service(mut self, service: Service) -> Report {
        self.service = service;
        self
    }

    /// The same report with the in-page `service`'s view of `token_id` and its dry run of
    /// every code (nothing is written: see [`TokenService::would_accept`]).
    pub fn checked<S: CredentialStore>(
        mut self,
        service: &TokenService<S>,
        token_id: &TokenId,
    ) -> Report {
        let Some(inspection) = service.inspect(token_id, self.now) else {
            return self.without_service(Service::Unknown);
        };
        for checked in &mut self.codes {
            checked.dry_run = Some(service.would_accept(token_id, &checked.shown.code, self.now));
        }
        self.service = Service::Known(inspection);
        self
    }

    /// What the panel shows, in `lang`.
    pub fn view(&self, lang: Lang) -> View {
        let t = |key: Text| key.get(lang);
        let not_shown = || t(Text::NotShown).to_owned();
        let step = self.params.map_or_else(not_shown, |params| {
            let step = params.step(self.now);
            let (from, to) = span(&params, step, step);
            fill(
                t(Text::StepValue),
                &[("step", &step), ("from", &from), ("to", &to)],
            )
        });
        let mut view = View {
            offset: offset_words(self.offset, lang),
            time: format_jst(self.now),
            step,
            window: not_shown(),
            drift: not_shown(),
            failures: not_shown(),
            status: not_shown(),
            last: not_shown(),
            note: None,
            codes: Vec::new(),
        };
        let note = match &self.service {
            Service::Pending => None,
            Service::Remote => Some(Text::NoteRemote),
            Service::NoToken => Some(Text::NoteNoToken),
            Service::NotIssued => Some(Text::NoteNotIssued),
            Service::Unknown => Some(Text::NoteUnknown),
            Service::Known(seen) => {
                view.fill_service(seen, lang);
                None
            }
        };
        view.note = note.map(|key| t(key).to_owned());
        view.codes = self
            .codes
            .iter()
            .map(|checked| self.line(checked, lang))
            .collect();
        view
    }

    /// One line of the code list.
    fn line(&self, checked: &Checked, lang: Lang) -> CodeLine {
        let t = |key: Text| key.get(lang);
        let step = checked.shown.step;
        let (verdict, reason) = match (&self.service, &checked.dry_run) {
            (Service::Known(seen), Some(dry_run)) => judge(seen, step, dry_run, lang),
            (Service::Remote, _) => (Verdict::Unknown, t(Text::ReasonRemote).to_owned()),
            (Service::NotIssued, _) => (Verdict::Unknown, t(Text::ReasonNotIssued).to_owned()),
            (Service::Unknown, _) => (Verdict::Unknown, t(Text::ReasonUnknown).to_owned()),
            _ => (Verdict::Unknown, String::new()),
        };
        CodeLine {
            code: group_code(&checked.shown.code),
            step: fill(t(Text::CodeStep), &[("step", &step)]),
            verdict,
            label: verdict.label(lang).to_owned(),
            reason,
        }
    }
}

/// What the service would do with a code of `step`, and why, in words.
fn judge(seen: &Inspection, step: u64, dry_run: &DryRun, lang: Lang) -> (Verdict, String) {
    let t = |key: Text| key.get(lang);
    let say = |key: Text| fill(t(key), &[("step", &step)]);
    let (verdict, mut reason) = match &dry_run.outcome {
        Ok(_) => (Verdict::Accepted, say(Text::ReasonAccepted)),
        Err(Rejected::Replayed) => {
            let last = seen.state.last_step.unwrap_or_default();
            let words = fill(t(Text::ReasonUsed), &[("step", &step), ("last", &last)]);
            (Verdict::Used, words)
        }
        Err(Rejected::Mismatch) => match &seen.window {
            Some(window) if window.contains(&step) => {
                (Verdict::Mismatch, t(Text::ReasonMismatch).to_owned())
            }
            Some(window) => {
                let (verdict, key) = if step < *window.start() {
                    (Verdict::Expired, Text::ReasonExpired)
                } else {
                    (Verdict::Early, Text::ReasonEarly)
                };
                let (low, high) = (window.start(), window.end());
                let words = fill(t(key), &[("step", &step), ("low", low), ("high", high)]);
                (verdict, words)
            }
            None => (Verdict::Expired, say(Text::ReasonOutside)),
        },
        Err(Rejected::LockedOut) => (Verdict::Locked, t(Text::ReasonLocked).to_owned()),
        Err(Rejected::Stopped) => (Verdict::Stopped, t(Text::ReasonStopped).to_owned()),
        Err(_) => (Verdict::Unknown, t(Text::ReasonUnknown).to_owned()),
    };
    if dry_run.locks {
        // Japanese sentences end in 「。」 and need no space between them.
        reason.push_str(if lang == Lang::En { " " } else { "" });
        reason.push_str(t(Text::LocksNote));
    }
    (verdict, reason)
}

/// The panel's text, made by [`Report::view`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The clock's shift.
    pub offset: String,
    /// The shifted time, in Japan time.
    pub time: String,
    /// The current step and its time span.
    pub step: String,
    /// The steps and times a code is compared with.
    pub window: String,
    /// The credential's drift.
    pub drift: String,
    /// Consecutive failures, of how many allowed.
    pub failures: String,
    /// Active, locked or stopped.
    pub status: String,
    /// The last accepted step.
    pub last: String,
    /// Why the service's rows are empty, when they are.
    pub note: Option<String>,
    /// The history, newest first.
    pub codes: Vec<CodeLine>,
}

impl View {
    /// Fills the service's rows from what it holds.
    fn fill_service(&mut self, seen: &Inspection, lang: Lang) {
        let t = |key: Text| key.get(lang);
        let state = &seen.state;
        let params = &state.params;
        self.window = match &seen.window {
            Some(window) => {
                let (low, high) = (*window.start(), *window.end());
                let (from, to) = span(params, low, high);
                fill(
                    t(Text::WindowValue),
                    &[("low", &low), ("high", &high), ("from", &from), ("to", &to)],
                )
            }
            None => t(Text::WindowNone).to_owned(),
        };
        let steps = state.drift.unsigned_abs();
        let seconds = steps.saturating_mul(params.period);
        let drift = match state.drift.signum() {
            0 => Text::DriftNone,
            1 => Text::DriftAhead,
            _ => Text::DriftBehind,
        };
        self.drift = fill(t(drift), &[("steps", &steps), ("seconds", &seconds)]);
        let failures = if state.status == CredentialStatus::Locked {
            Text::FailuresLocked
        } else {
            Text::FailuresValue
        };
        self.failures = fill(
            t(failures),
            &[
                ("failures", &state.failures),
                ("max", &seen.max_failures),
                ("left", &seen.failures_left()),
            ],
        );
        self.status = t(match state.status {
            CredentialStatus::Active => Text::StatusActive,
            CredentialStatus::Locked => Text::StatusLocked,
            CredentialStatus::Stopped => Text::StatusStopped,
        })
        .to_owned();
        self.last = match state.last_step {
            Some(step) => {
                let (time, _) = span(params, step, step);
                fill(t(Text::LastValue), &[("step", &step), ("time", &time)])
            }
            None => t(Text::LastNone).to_owned(),
        };
    }
}

/// One code of the history as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLine {
    /// The code, grouped for reading.
    pub code: String,
    /// Its step, in words.
    pub step: String,
    /// The verdict if it were typed now.
    pub verdict: Verdict,
    /// The verdict, in words.
    pub label: String,
    /// Why, in words.
    pub reason: String,
}

/// What the token service would do with a code typed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Accepted.
    Accepted,
    /// Its step is before the window.
    Expired,
    /// Its step is after the window (the clock was set back).
    Early,
    /// Its step is not after the last accepted one.
    Used,
    /// In the window but not this token's code.
    Mismatch,
    /// The credential is locked.
    Locked,
    /// The credential is stopped.
    Stopped,
    /// Not checked (a remote service, an imported token, an unknown Token ID).
    Unknown,
}

impl Verdict {
    /// The name in the list item's `data-verdict` (and its style).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Expired => "expired",
            Verdict::Early => "early",
            Verdict::Used => "used",
            Verdict::Mismatch => "mismatch",
            Verdict::Locked => "locked",
            Verdict::Stopped => "stopped",
            Verdict::Unknown => "unknown",
        }
    }

    /// The verdict in words.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Accepted => Text::VerdictAccepted,
            Verdict::Expired => Text::VerdictExpired,
            Verdict::Early => Text::VerdictEarly,
            Verdict::Used => Text::VerdictUsed,
            Verdict::Mismatch => Text::VerdictMismatch,
            Verdict::Locked => Text::VerdictLocked,
            Verdict::Stopped => Text::VerdictStopped,
            Verdict::Unknown => Text::VerdictUnknown,
        }
        .get(lang)
    }
}

/// Whether the page's address (its query, `search`) asks for the lab open from the start:
/// `?lab=1`.
pub fn asked(search: &str) -> bool {
    webtoken_engine::address::query_value(search, "lab") == Some("1")
}

/// The resync's bound under the token service's default policy (the page's and the
/// server's), in words: how far back and ahead it looks, and that a failed resync counts.
pub fn resync_bound(lang: Lang) -> String {
    let policy = webtoken_token_service::Policy::default();
    let period = Params::default().period;
    let back = policy.resync_back;
    let back_seconds = u64::from(back).saturating_mul(period);
    fill(
        Text::ResyncBound.get(lang),
        &[
            ("back", &back),
            ("back_seconds", &back_seconds),
            ("ahead", &policy.resync_window),
        ],
    )
}

/// The clock's shift in words.
fn offset_words(offset: i64, lang: Lang) -> String {
    let magnitude = offset.unsigned_abs();
    let key = match offset.signum() {
        0 => return Text::OffsetNone.get(lang).to_owned(),
        1 => Text::OffsetAhead,
        _ => Text::OffsetBehind,
    };
    fill(
        key.get(lang),
        &[("min", &(magnitude / 60)), ("sec", &(magnitude % 60))],
    )
}

/// Japan time (`hh:mm:ss`) at which step `first` begins and step `last` ends.
fn span(params: &Params, first: u64, last: u64) -> (String, String) {
    let period = params.period.max(1);
    let start = |step: u64| params.t0.saturating_add(step.saturating_mul(period));
    let end = start(last).saturating_add(period - 1);
    (clock_time(start(first)), clock_time(end))
}

/// `hh:mm:ss` in Japan time.
fn clock_time(unix_seconds: u64) -> String {
    let full = format_jst(unix_seconds);
    // `YYYY-MM-DD hh:mm:ss JST`: the time of day.
    full.get(11..19).unwrap_or(&full).to_owned()
}
