//! What each screen shows, resolved into one language: the page renders a [`View`] as text
//! into fixed elements and builds no markup from it.

use super::flow::{
    Action, CodeForm, CredentialsForm, DetailsForm, Field, Login, Notice, Registration, Resync,
    ResyncForm, Screen, Staff, StaffRecord, StaffSignInForm, Stop,
};
use super::text::{Lang, Text, text};
use webtoken_engine::i18n::{audit, fill};
use webtoken_token_service::{Attempt, AuditEvent, AuditKind, ChainError, RejectReason};

/// One screen, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// A stable name of the screen (`login`, `login-code`, `registration-details`, ...), for
    /// the page's `data-screen` attribute and for tests.
    pub id: &'static str,
    /// The page heading (ログイン, ワンタイムパスワード利用登録, ...).
    pub title: &'static str,
    /// The steps of the flow, the current one marked; empty on screens without steps.
    pub breadcrumb: Vec<Crumb>,
    /// Instruction lines above the form.
    pub lead: Vec<&'static str>,
    /// The heading of the boxed form (利用登録, 利用停止, ...).
    pub section: Option<&'static str>,
    /// An error to show above the form.
    pub error: Option<String>,
    /// A confirmation to show above the form.
    pub info: Option<String>,
    /// The result of a finished flow (処理結果), e.g. ワンタイムパスワードの利用登録が完了しました。
    pub result: Option<&'static str>,
    /// The inputs, in order.
    pub fields: Vec<FieldView>,
    /// Label and value pairs (the signed-in page, the staff record).
    pub rows: Vec<Row>,
    /// The staff page's audit trail, oldest first.
    pub audit: Vec<AuditLine>,
    /// The unreadable stored entries a signed-in staff member may remove (staff screens).
    pub removals: Vec<crate::section::health::Removal>,
    /// The removal awaiting its confirmation, if any.
    pub asking: Option<crate::section::health::Removal>,
    /// The main buttons, in order.
    pub buttons: Vec<ButtonView>,
    /// Secondary links (the login page's 「…はこちら」 links, ログイン画面に戻る).
    pub links: Vec<ButtonView>,
    /// Notes under the form (■ 英字は大文字と小文字を区別しますので…).
    pub notes: Vec<&'static str>,
    /// Whether an answer is awaited: the page disables inputs and buttons and shows
    /// [`Text::Busy`].
    pub busy: bool,
}

/// One step of a breadcrumb (利用者認証 >> … >> 処理結果).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crumb {
    /// The step's name.
    pub label: &'static str,
    /// Whether it is the current step (shown in bold).
    pub current: bool,
}

/// How an input behaves; the page maps it to HTML attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A contract ID.
    ContractId,
    /// A password.
    Password,
    /// A Token ID.
    TokenId,
    /// A one-time password.
    Code,
    /// Free text (staff name, reason).
    Text,
}

impl InputKind {
    /// The `type` attribute.
    pub fn input_type(self) -> &'static str {
        match self {
            Self::Password => "password",
            _ => "text",
        }
    }

    /// The `inputmode` attribute: `numeric` for codes and contract IDs.
    pub fn input_mode(self) -> &'static str {
        match self {
            Self::ContractId | Self::Code => "numeric",
            Self::Password | Self::TokenId | Self::Text => "text",
        }
    }

    /// The `autocomplete` attribute (`one-time-code` for codes).
    pub fn autocomplete(self) -> &'static str {
        match self {
            Self::ContractId => "username",
            Self::Password => "current-password",
            Self::Code => "one-time-code",
            Self::TokenId | Self::Text => "off",
        }
    }
}

/// One labelled input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldView {
    /// Which input; the page sends [`Event::Edit`](super::Event::Edit) with it.
    pub field: Field,
    /// The element id, for `<label for>`.
    pub id: &'static str,
    /// The label.
    pub label: &'static str,
    /// How the input behaves.
    pub kind: InputKind,
    /// The current value (what was typed; kept across messages and language changes).
    pub value: String,
    /// A note after the input, e.g. (半角数字).
    pub suffix: Option<&'static str>,
    /// A hint under the input, e.g. トークンに表示されている数字を入力してください。…
    pub hint: Option<&'static str>,
}

/// A button or link, and the action it sends as [`Event::Press`](super::Event::Press).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonView {
    /// What it does.
    pub action: Action,
    /// Its text.
    pub label: &'static str,
    /// Its `data-testid`, for the buttons tests and the tour name (`None`: none).
    pub testid: Option<&'static str>,
}

/// A label and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The label.
    pub label: &'static str,
    /// The value.
    pub value: String,
}

/// One audit event, as the staff page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// Its sequence number in the token service's log.
    pub seq: u64,
    /// When, as `YYYY-MM-DD hh:mm:ss JST`.
    pub time: String,
    /// What happened.
    pub event: &'static str,
    /// Details (who, why, step); may be empty.
    pub detail: String,
}

/// Builds a view in one language.
struct Builder {
    lang: Lang,
    view: View,
}

impl Builder {
    fn new(lang: Lang, id: &'static str, title: Text) -> Self {
        Self {
            lang,
            view: View {
                id,
                title: text(title, lang),
                breadcrumb: Vec::new(),
                lead: Vec::new(),
                section: None,
                error: None,
                info: None,
                result: None,
                fields: Vec::new(),
                rows: Vec::new(),
                audit: Vec::new(),
                removals: Vec::new(),
                asking: None,
                buttons: Vec::new(),
                links: Vec::new(),
                notes: Vec::new(),
                busy: false,
            },
        }
    }

    fn t(&self, key: Text) -> &'static str {
        text(key, self.lang)
    }

    fn crumbs(mut self, steps: [Text; 3], current: usize) -> Self {
        self.view.breadcrumb = steps
            .iter()
            .enumerate()
            .map(|(i, &key)| Crumb {
                label: text(key, self.lang),
                current: i == current,
            })
            .collect();
        self
    }

    fn lead(mut self, lines: &[Text]) -> Self {
        self.view.lead = lines.iter().map(|&key| text(key, self.lang)).collect();
        self
    }

    fn section(mut self, key: Text) -> Self {
        self.view.section = Some(self.t(key));
        self
    }

    fn notice(mut self, notice: Option<&Notice>) -> Self {
        if let Some(notice) = notice {
            let message = notice.message(self.lang);
            if notice.is_error() {
                self.view.error = Some(message);
            } else {
                self.view.info = Some(message);
            }
        }
        self
    }

    fn field(mut self, field: Field, label: Text, value: &str) -> Self {
        let (id, kind) = match field {
            Field::ContractId => ("contract-id", InputKind::ContractId),
            Field::Password => ("password", InputKind::Password),
            Field::TokenId => ("token-id", InputKind::TokenId),
            Field::Code => ("code", InputKind::Code),
            Field::SecondCode => ("second-code", InputKind::Code),
            Field::StaffId => ("staff-id", InputKind::Text),
            Field::StaffPassword => ("staff-password", InputKind::Password),
            Field::StaffCode => ("staff-otp", InputKind::Code),
            Field::StaffReason => ("staff-reason", InputKind::Text),
        };
        self.view.fields.push(FieldView {
            field,
            id,
            label: self.t(label),
            kind,
            value: value.to_string(),
            suffix: None,
            hint: None,
        });
        self
    }

    fn suffix(mut self, key: Text) -> Self {
        let suffix = self.t(key);
        if let Some(last) = self.view.fields.last_mut() {
            last.suffix = Some(suffix);
        }
        self
    }

    fn hint(mut self, key: Text) -> Self {
        let hint = self.t(key);
        if let Some(last) = self.view.fields.last_mut() {
            last.hint = Some(hint);
        }
        self
    }

    fn button(mut self, action: Action, label: Text) -> Self {
        let label = self.t(label);
        self.view.buttons.push(ButtonView {
            action,
            label,
            testid: None,
        });
        self
    }

    /// Gives the last button a `data-testid`.
    fn testid(mut self, testid: &'static str) -> Self {
        if let Some(last) = self.view.buttons.last_mut() {
            last.testid = Some(testid);
        }
        self
    }

    fn link(mut self, action: Action, label: Text) -> Self {
        let label = self.t(label);
        self.view.links.push(ButtonView {
            action,
            label,
            testid: None,
        });
        self
    }

    fn notes(mut self, keys: &[Text]) -> Self {
        self.view
            .notes
            .extend(keys.iter().map(|&key| text(key, self.lang)));
        self
    }

    fn row(mut self, label: Text, value: String) -> Self {
        let label = self.t(label);
        self.view.rows.push(Row { label, value });
        self
    }

    fn result(mut self, key: Text) -> Self {
        self.view.result = Some(self.t(key));
        self
    }

    fn busy(mut self, busy: bool) -> Self {
        self.view.busy = busy;
        self
    }

    fn build(self) -> View {
        self.view
    }
}

const REGISTRATION_STEPS: [Text; 3] = [
    Text::CrumbAuthentication,
    Text::CrumbRegistrationDetails,
    Text::CrumbResult,
];
const CODE_STEPS: [Text; 3] = [
    Text::CrumbAuthentication,
    Text::CrumbCodeInput,
    Text::CrumbResult,
];
const LOGIN_NOTES: [Text; 3] = [Text::NoteCase, Text::NoteBackButton, Text::NoteLayout];

impl Screen {
    /// What this screen shows, in `lang`.
    pub fn view(&self, lang: Lang) -> View {
        let busy = self.is_busy();
        match self {
            Screen::Login(Login::Credentials(form)) => login_view(lang, form),
            Screen::Login(Login::Code(form) | Login::Checking(form)) => code_view(lang, form, busy),
            Screen::SignedIn { contract_id } => Builder::new(lang, "signed-in", Text::HomeTitle)
                .lead(&[Text::SignedIn])
                .row(Text::LabelContractId, contract_id.to_string())
                .button(Action::Logout, Text::ButtonLogout)
                .build(),
            Screen::Registration(Registration::Credentials(form)) => credentials_view(
                lang,
                "registration-credentials",
                Text::RegistrationTitle,
                REGISTRATION_STEPS,
                Text::RegistrationLead,
                Text::RegistrationSection,
                form,
            ),
            Screen::Registration(Registration::Details(form) | Registration::Checking(form, _)) => {
                details_view(lang, form, busy)
            }
            Screen::Registration(Registration::Done(_)) => {
                Builder::new(lang, "registration-done", Text::RegistrationTitle)
                    .crumbs(REGISTRATION_STEPS, 2)
                    .lead(&[Text::BackInstruction])
                    .section(Text::RegistrationSection)
                    .result(Text::RegistrationDone)
                    .notes(&[Text::RegistrationDoneNote])
                    .button(Action::BackToLogin, Text::ButtonBackToLogin)
                    .build()
            }
            Screen::Stop(Stop::Credentials(form)) => {
                let mut view = credentials_view(
                    lang,
                    "stop-credentials",
                    Text::StopTitle,
                    CODE_STEPS,
                    Text::StopLead,
                    Text::StopSection,
                    form,
                );
                view.notes.extend([
                    text(Text::StopBrokenNote, lang),
                    text(Text::ContactLine, lang),
                ]);
                view
            }
            Screen::Stop(Stop::Code(form) | Stop::Checking(form)) => {
                stop_code_view(lang, form, busy)
            }
            Screen::Stop(Stop::Done(_)) => Builder::new(lang, "stop-done", Text::StopTitle)
                .crumbs(CODE_STEPS, 2)
                .lead(&[Text::BackInstruction])
                .section(Text::StopSection)
                .result(Text::StopDone)
                .button(Action::BackToLogin, Text::ButtonBackToLogin)
                .build(),
            Screen::Resync(Resync::Credentials(form)) => credentials_view(
                lang,
                "resync-credentials",
                Text::ResyncTitle,
                CODE_STEPS,
                Text::ResyncLead,
                Text::ResyncSection,
                form,
            ),
            Screen::Resync(Resync::Codes(form) | Resync::Checking(form)) => {
                resync_view(lang, form, busy)
            }
            Screen::Resync(Resync::Done(_)) => Builder::new(lang, "resync-done", Text::ResyncTitle)
                .crumbs(CODE_STEPS, 2)
                .lead(&[Text::BackInstruction])
                .section(Text::ResyncSection)
                .result(Text::ResyncDone)
                .button(Action::BackToLogin, Text::ButtonBackToLogin)
                .build(),
            Screen::Staff(Staff::SignIn(form) | Staff::SigningIn(form, _)) => {
                staff_sign_in_view(lang, form, busy)
            }
            Screen::Staff(Staff::Lookup {
                staff,
                contract_id,
                notice,
            }) => Builder::new(lang, "staff-lookup", Text::StaffTitle)
                .lead(&[Text::StaffLead, Text::StaffLookupInstruction])
                .notice(notice.as_ref())
                .row(Text::LabelSignedInStaff, staff.to_string())
                .field(Field::ContractId, Text::LabelContractId, contract_id)
                .button(Action::Submit, Text::ButtonLookup)
                .button(Action::StaffSignOut, Text::ButtonStaffSignOut)
                .testid("staff-signout")
                .link(Action::BackToLogin, Text::ButtonBackToLogin)
                .build(),
            Screen::Staff(
                Staff::Fetching(record) | Staff::Record(record) | Staff::Working(record),
            ) => staff_view(lang, record, busy),
        }
    }
}

fn login_view(lang: Lang, form: &CredentialsForm) -> View {
    Builder::new(lang, "login", Text::LoginTitle)
        .lead(&[Text::LoginLead, Text::LoginInstruction])
        .section(Text::LoginTitle)
        .notice(form.notice.as_ref())
        .field(
            Field::ContractId,
            Text::LabelContractIdLogin,
            &form.contract_id,
        )
        .field(Field::Password, Text::LabelPassword, form.password())
        .button(Action::Submit, Text::ButtonLogin)
        .notes(&LOGIN_NOTES)
        .link(Action::OpenRegistration, Text::LinkRegistration)
        .link(Action::OpenStop, Text::LinkStop)
        .link(Action::OpenResync, Text::LinkResync)
        .link(Action::OpenStaff, Text::LinkStaff)
        .build()
}

fn code_view(lang: Lang, form: &CodeForm, busy: bool) -> View {
    Builder::new(lang, "login-code", Text::CodeTitle)
        .lead(&[Text::CodeInstruction])
        .section(Text::CodeSection)
        .notice(form.notice.as_ref())
        .field(Field::Code, Text::LabelCode, &form.code)
        .suffix(Text::CodeSuffix)
        .hint(Text::CodeHint)
        .button(Action::Submit, Text::ButtonConfirm)
        .link(Action::OpenResync, Text::LinkResync)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .busy(busy)
        .build()
}

fn credentials_view(
    lang: Lang,
    id: &'static str,
    title: Text,
    steps: [Text; 3],
    lead: Text,
    section: Text,
    form: &CredentialsForm,
) -> View {
    Builder::new(lang, id, title)
        .crumbs(steps, 0)
        .lead(&[lead, Text::CredentialsInstruction])
        .section(section)
        .notice(form.notice.as_ref())
        .field(Field::ContractId, Text::LabelContractId, &form.contract_id)
        .field(Field::Password, Text::LabelPassword, form.password())
        .button(Action::Submit, Text::ButtonNext)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .build()
}

fn details_view(lang: Lang, form: &DetailsForm, busy: bool) -> View {
    Builder::new(lang, "registration-details", Text::RegistrationTitle)
        .crumbs(REGISTRATION_STEPS, 1)
        .lead(&[Text::RegistrationLead, Text::RegistrationInstruction])
        .section(Text::RegistrationSection)
        .notice(form.notice.as_ref())
        .field(Field::TokenId, Text::LabelTokenId, &form.token_id)
        .field(Field::Code, Text::LabelCode, &form.code)
        .hint(Text::CodeHint)
        .button(Action::Submit, Text::ButtonRegister)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .busy(busy)
        .build()
}

fn stop_code_view(lang: Lang, form: &CodeForm, busy: bool) -> View {
    Builder::new(lang, "stop-code", Text::StopTitle)
        .crumbs(CODE_STEPS, 1)
        .lead(&[Text::StopLead, Text::StopInstruction])
        .section(Text::StopSection)
        .notice(form.notice.as_ref())
        .field(Field::Code, Text::LabelCode, &form.code)
        .hint(Text::CodeHint)
        .button(Action::Submit, Text::ButtonStop)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .notes(&[Text::StopBrokenNote, Text::ContactLine])
        .busy(busy)
        .build()
}

fn resync_view(lang: Lang, form: &ResyncForm, busy: bool) -> View {
    Builder::new(lang, "resync-codes", Text::ResyncTitle)
        .crumbs(CODE_STEPS, 1)
        .lead(&[Text::ResyncLead, Text::ResyncInstruction])
        .section(Text::ResyncSection)
        .notice(form.notice.as_ref())
        .field(Field::Code, Text::LabelFirstCode, &form.first)
        .field(Field::SecondCode, Text::LabelSecondCode, &form.second)
        .hint(Text::ResyncHint)
        .button(Action::Submit, Text::ButtonResync)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .busy(busy)
        .build()
}

fn staff_sign_in_view(lang: Lang, form: &StaffSignInForm, busy: bool) -> View {
    Builder::new(lang, "staff-signin", Text::StaffSignInTitle)
        .lead(&[Text::StaffSignInLead])
        .section(Text::StaffSignInTitle)
        .notice(form.notice.as_ref())
        .field(Field::StaffId, Text::LabelStaffId, &form.staff_id)
        .field(
            Field::StaffPassword,
            Text::LabelStaffPassword,
            form.password(),
        )
        .field(Field::StaffCode, Text::LabelStaffCode, &form.code)
        .suffix(Text::CodeSuffix)
        .hint(Text::StaffCodeHint)
        .button(Action::Submit, Text::ButtonStaffSignIn)
        .testid("staff-signin")
        .notes(&[Text::StaffSignInNote])
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .busy(busy)
        .build()
}

fn staff_view(lang: Lang, record: &StaffRecord, busy: bool) -> View {
    let state = record.record.as_ref().and_then(|r| r.state.as_ref());
    let mut builder = Builder::new(lang, "staff-record", Text::StaffTitle)
        .lead(&[Text::StaffLead])
        .notice(record.notice.as_ref())
        .row(Text::LabelSignedInStaff, record.staff.to_string())
        .row(Text::LabelContractId, record.contract_id.to_string())
        .row(
            Text::LabelTokenId,
            record
                .token_id
                .as_ref()
                .map(|t| t.grouped())
                .unwrap_or_else(|| "-".to_string()),
        )
        .row(
            Text::LabelTokenState,
            text(record.token_state().text(), lang).to_string(),
        )
        .row(
            Text::LabelCodeFailures,
            state
                .map(|s| s.failures.to_string())
                .unwrap_or_else(|| "-".to_string()),
        )
        .row(
            Text::LabelPasswordState,
            text(
                if record.password_locked {
                    Text::PasswordLocked
                } else {
                    Text::PasswordOk
                },
                lang,
            )
            .to_string(),
        )
        .row(
            Text::LabelPasswordFailures,
            record.password_failures.to_string(),
        );
    match &record.record {
        Some(fetched) if fetched.unavailable => {
            builder = builder.row(
                Text::LabelAudit,
                text(Text::StaffRecordUnavailable, lang).to_string(),
            );
        }
        Some(fetched) => {
            let chain = match (fetched.chain_verified, &fetched.chain_error) {
                (true, _) => text(Text::AuditChainOk, lang).to_string(),
                (false, None) => text(Text::AuditChainBroken, lang).to_string(),
                (false, Some(error)) => format!(
                    "{} {}",
                    text(Text::AuditChainBroken, lang),
                    chain_message(error, lang)
                ),
            };
            builder = builder.row(Text::LabelAudit, chain);
            builder.view.audit = fetched
                .audit
                .iter()
                .map(|event| audit_line(event, lang))
                .collect();
        }
        None => {}
    }
    builder
        .field(Field::StaffReason, Text::LabelStaffReason, &record.reason)
        .hint(Text::StaffReasonHint)
        .button(Action::UnlockToken, Text::ButtonUnlock)
        .button(Action::StopToken, Text::ButtonStaffStop)
        .button(Action::UnlockPassword, Text::ButtonUnlockPassword)
        .button(Action::StaffSignOut, Text::ButtonStaffSignOut)
        .testid("staff-signout")
        .link(Action::LookUpAnother, Text::ButtonLookupAnother)
        .link(Action::BackToLogin, Text::ButtonBackToLogin)
        .busy(busy)
        .build()
}

/// What is wrong with the token service's audit log, in `lang`: which events are missing,
/// rewritten or out of order, or that the log was cut short or is under another key.
pub fn chain_message(error: &ChainError, lang: Lang) -> String {
    let get = |key: audit::Text| key.get(lang);
    match error {
        ChainError::KeyMismatch => get(audit::Text::ChainKeyMismatch).to_owned(),
        ChainError::Missing { from, to } => fill(
            get(audit::Text::ChainMissing),
            &[("from", from), ("to", to)],
        ),
        ChainError::Reordered { seq } => fill(get(audit::Text::ChainReordered), &[("seq", seq)]),
        ChainError::Rewritten { seq } => fill(get(audit::Text::ChainRewritten), &[("seq", seq)]),
        ChainError::Truncated {
            expected_count,
            found,
        } => fill(
            get(audit::Text::ChainTruncated),
            &[("expected", expected_count), ("found", found)],
        ),
        ChainError::HeadMismatch => get(audit::Text::ChainHeadMismatch).to_owned(),
        ChainError::CheckpointMismatch { expected, found } => fill(
            get(audit::Text::ChainCheckpointMismatch),
            &[("expected", expected), ("found", found)],
        ),
        ChainError::SealForged => get(audit::Text::ChainSealForged).to_owned(),
        ChainError::SealMissing => get(audit::Text::ChainSealMissing).to_owned(),
        // A problem this page does not know yet (the enum is non-exhaustive).
        _ => text(Text::AuditChainBroken, lang).to_owned(),
    }
}

/// One audit event in `lang`.
pub fn audit_line(event: &AuditEvent, lang: Lang) -> AuditLine {
    let t = |key| text(key, lang);
    let (what, detail) = match &event.kind {
        AuditKind::Issued {
            algorithm,
            digits,
            period,
        } => (
            Text::AuditIssued,
            fill(
                audit::Text::IssuedDetail.get(lang),
                &[
                    ("algorithm", algorithm),
                    ("digits", digits),
                    ("period", period),
                ],
            ),
        ),
        AuditKind::Accepted { step, drift } => (
            Text::AuditAccepted,
            format!(
                "{} {step}, {} {drift:+}",
                t(Text::AuditStep),
                t(Text::AuditDrift)
            ),
        ),
        AuditKind::Rejected { reason } => {
            (Text::AuditRejected, t(reason_text(*reason)).to_string())
        }
        AuditKind::Locked { failures } => (
            Text::AuditLocked,
            format!("{} {failures}", t(Text::AuditFailures)),
        ),
        AuditKind::Unlocked { actor } => (
            Text::AuditUnlocked,
            format!("{}: {actor}", t(Text::AuditActor)),
        ),
        AuditKind::Stopped { actor, reason } => (
            Text::AuditStopped,
            format!(
                "{}: {actor} / {}: {reason}",
                t(Text::AuditActor),
                t(Text::AuditReason)
            ),
        ),
        AuditKind::Resynced { step, drift } => (
            Text::AuditResynced,
            format!(
                "{} {step}, {} {drift:+}",
                t(Text::AuditStep),
                t(Text::AuditDrift)
            ),
        ),
        AuditKind::ResyncRejected { reason } => (
            Text::AuditResyncRejected,
            t(reason_text(*reason)).to_string(),
        ),
        AuditKind::Refused {
            attempt,
            reason,
            count,
            last,
        } => (
            match attempt {
                Attempt::Validate => Text::AuditRefused,
                Attempt::Resync => Text::AuditResyncRefused,
            },
            fill(
                audit::Text::RefusedDetail.get(lang),
                &[
                    ("reason", &t(reason_text(*reason))),
                    ("count", count),
                    ("last", &format_jst(*last)),
                ],
            ),
        ),
    };
    AuditLine {
        seq: event.seq,
        time: format_jst(event.time),
        event: t(what),
        detail,
    }
}

fn reason_text(reason: RejectReason) -> Text {
    match reason {
        RejectReason::Malformed => Text::ReasonMalformed,
        RejectReason::UnknownToken => Text::ReasonUnknownToken,
        RejectReason::Mismatch => Text::ReasonMismatch,
        RejectReason::Replayed => Text::ReasonReplayed,
        RejectReason::LockedOut => Text::ReasonLockedOut,
        RejectReason::Stopped => Text::ReasonStopped,
        RejectReason::Unavailable => Text::ReasonUnavailable,
    }
}

/// Unix seconds as Japan time (moved to the engine, which the token's backup uses too).
pub use webtoken_engine::clock::format_jst;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_details_come_from_the_catalogue() {
        let event = |kind| AuditEvent {
            seq: 3,
            time: 0,
            token_id: Some(
                webtoken_engine::token_id::TokenId::generate("ABCD", 1).expect("a Token ID"),
            ),
            kind,
            prev_hash: webtoken_token_service::GENESIS_HASH,
            hash: webtoken_token_service::GENESIS_HASH,
        };
        let issued = event(AuditKind::Issued {
            algorithm: webtoken_engine::Algorithm::Sha1,
            digits: 6,
            period: 30,
        });
        for lang in [Lang::Ja, Lang::En] {
            let line = audit_line(&issued, lang);
            assert_eq!(line.detail, "SHA1, 6 / 30 s");
            assert_eq!(line.event, text(Text::AuditIssued, lang));
        }
        let accepted = event(AuditKind::Accepted { step: 7, drift: -1 });
        assert_eq!(
            audit_line(&accepted, Lang::Ja).detail,
            "ステップ 7, ズレ -1"
        );
        assert_eq!(audit_line(&accepted, Lang::En).detail, "step 7, drift -1");
        let refused = event(AuditKind::Refused {
            attempt: Attempt::Validate,
            reason: RejectReason::LockedOut,
            count: 12_500,
            last: 59,
        });
        let line = audit_line(&refused, Lang::En);
        assert_eq!(line.event, "Code refused (nothing changed)");
        assert_eq!(
            line.detail,
            "token locked × 12500 (last: 1970-01-01 09:00:59 JST)"
        );
        let line = audit_line(&refused, Lang::Ja);
        assert_eq!(
            line.detail,
            "ロック中 12500回（最後: 1970-01-01 09:00:59 JST）"
        );
    }

    #[test]
    fn every_chain_problem_is_said_in_both_languages() {
        let problems = [
            ChainError::KeyMismatch,
            ChainError::Missing { from: 41, to: 42 },
            ChainError::Reordered { seq: 43 },
            ChainError::Rewritten { seq: 44 },
            ChainError::Truncated {
                expected_count: 45,
                found: 46,
            },
            ChainError::HeadMismatch,
            ChainError::CheckpointMismatch {
                expected: 47,
                found: 48,
            },
            ChainError::SealForged,
            ChainError::SealMissing,
        ];
        for lang in [Lang::Ja, Lang::En] {
            let said: Vec<String> = problems.iter().map(|p| chain_message(p, lang)).collect();
            let unique: std::collections::HashSet<&String> = said.iter().collect();
            assert_eq!(unique.len(), problems.len(), "{said:?}");
            assert!(!said.iter().any(|m| m.contains('{')), "{said:?}");
            for number in ["41", "42", "43", "44", "45", "46", "47", "48"] {
                assert!(
                    said.iter().any(|m| m.contains(number)),
                    "{number}: {said:?}"
                );
            }
        }
        assert_eq!(
            chain_message(&ChainError::Missing { from: 4, to: 5 }, Lang::En),
            "Audit events 4 to 5 are missing: they were deleted."
        );
    }

    #[test]
    fn input_attributes() {
        assert_eq!(InputKind::Code.input_mode(), "numeric");
        assert_eq!(InputKind::Code.autocomplete(), "one-time-code");
        assert_eq!(InputKind::Password.input_type(), "password");
        assert_eq!(InputKind::TokenId.input_type(), "text");
    }
}
