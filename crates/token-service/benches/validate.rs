//! Validation throughput: `TokenService::validate` with a window of +-1 and the replay and
//! lockout state written on every call, next to plain totp-rs `check` on the same inputs, and
//! next to its own limit: the bare work one validation cannot avoid (the window's three
//! HMAC-SHA-1s on the validator's fastest path, and the audit event's HMAC-SHA-256), timed on
//! the same credentials in the same rounds.
//!
//! Run with `cargo bench --bench validate`. Single-threaded, hand-timed (`Instant`), no harness.
//! The workload is realistic for a validation service: many credentials, time moving forward a
//! step per round, every credential presenting its current code (some one step fast, some
//! wrong), so each validation either accepts a fresh step or records a failure, and appends a
//! hash-chained audit event.

use std::hint::black_box;
use std::time::{Duration, Instant};

use webtoken_engine::random::OsRandom;
use webtoken_engine::token_id::TokenId;
use webtoken_engine::{Params, PreparedKey, Secret};
use webtoken_token_service::{CredentialStore, MemoryStore, Policy, TokenService};

/// Credentials in the store (`VALIDATE_BENCH_CREDENTIALS` overrides it, for profiling).
const CREDENTIALS: usize = 10_000;
/// Rounds (one 30-second step each) before measuring, to warm caches and the allocator.
const WARM_UP_ROUNDS: u64 = 10;
/// Rounds measured: `CREDENTIALS * MEASURED_ROUNDS` validations (`VALIDATE_BENCH_ROUNDS`
/// overrides it, for profiling).
const MEASURED_ROUNDS: u64 = 100;
/// Unix time of the first round (November 2023).
const START: u64 = 1_700_000_010;

// The validator's SHA-NI path, the very source it is built from (src/sha_ni.rs), so that the
// limit below times the HMACs exactly as `TokenService::validate` computes them.
// (Benches build with cfg(test) but without the test harness, so its tests module is unused.)
#[cfg(all(feature = "sha-ni", target_arch = "x86_64"))]
#[path = "../src/sha_ni.rs"]
#[allow(unused_imports, dead_code)]
mod sha_ni;

// The audit chain's HMAC-SHA256 from prepared pad states, the very source the service's
// `AuditKey` uses (src/audit/mac.rs).
#[path = "../src/audit/mac.rs"]
#[allow(unused_imports, dead_code)]
mod mac;

struct Workload {
    ids: Vec<TokenId>,
    secrets: Vec<Secret>,
    /// `codes[round][credential]`, as typed.
    codes: Vec<Vec<String>>,
}

fn now_of(round: u64) -> u64 {
    START + round * 30
}

/// `name` from the environment as a number, or `default`: a smaller run under a profiler
/// (callgrind) measures the same work per validation in less time.
fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn workload(credentials: usize, rounds: u64) -> Workload {
    let params = Params::default();
    let ids: Vec<TokenId> = (0..credentials)
        .map(|i| {
            TokenId::generate(
                "BNCH",
                u32::try_from(i).expect("fewer than 10^7 credentials"),
            )
            .expect("a valid prefix and serial")
        })
        .collect();
    let secrets: Vec<Secret> = (0..credentials)
        .map(|_| Secret::random(20, &mut OsRandom).expect("random bytes are available"))
        .collect();
    let keys: Vec<PreparedKey> = secrets
        .iter()
        .map(|secret| PreparedKey::new(secret, params.algorithm))
        .collect();
    let codes = (0..rounds)
        .map(|round| {
            let step = params.step(now_of(round));
            keys.iter()
                .enumerate()
                .map(|(i, key)| {
                    // One token in ten runs a step fast, all the time.
                    let shown = if i % 10 == 0 { step + 1 } else { step };
                    if (i as u64 + round) % 20 == 1 {
                        // One code in twenty is mistyped: a number that is the code of no step
                        // either validator's window can reach, so both must reject it.
                        let window: Vec<u32> = (step - 1..=step + 2)
                            .map(|step| key.value(step, 6).expect("6 digits"))
                            .collect();
                        let mut wrong = window[0];
                        while window.contains(&wrong) {
                            wrong = (wrong + 1) % 1_000_000;
                        }
                        format!("{wrong:06}")
                    } else {
                        key.code(shown, 6).expect("6 digits")
                    }
                })
                .collect()
        })
        .collect();
    Workload {
        ids,
        secrets,
        codes,
    }
}

/// `0..n` in a fixed pseudo-random order (Fisher-Yates driven by a xorshift generator).
fn shuffled(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for last in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let pick = usize::try_from(state % (last as u64 + 1)).expect("below n");
        order.swap(last, pick);
    }
    order
}

/// Counts and per-round timings of one validator.
#[derive(Default)]
struct Tally {
    accepted: u64,
    rejected: u64,
    elapsed: Duration,
    /// Nanoseconds per validation in each measured round.
    rounds: Vec<f64>,
}

impl Tally {
    fn record(&mut self, accepted: u64, rejected: u64, elapsed: Duration) {
        self.accepted += accepted;
        self.rejected += rejected;
        self.elapsed += elapsed;
        self.rounds
            .push(elapsed.as_nanos() as f64 / (accepted + rejected) as f64);
    }

    /// Validations per second over the whole run.
    fn overall(&self) -> f64 {
        (self.accepted + self.rejected) as f64 / self.elapsed.as_secs_f64()
    }

    /// Validations per second in the median and the fastest round: on a shared machine these
    /// say more than the total, which counts every time the process was descheduled.
    fn median_and_best(&self) -> (f64, f64) {
        let mut sorted = self.rounds.clone();
        sorted.sort_by(f64::total_cmp);
        let rate = |nanos: f64| 1e9 / nanos;
        (rate(sorted[sorted.len() / 2]), rate(sorted[0]))
    }
}

/// One round of `TokenService::validate`: every credential presents its code once. Not inlined,
/// so that a profile shows the validations apart from the rest of the run.
#[inline(never)]
fn round_service(service: &TokenService, work: &Workload, round: u64) -> (u64, u64, Duration) {
    let now = now_of(round);
    let codes = &work.codes[round as usize];
    let (mut accepted, mut rejected) = (0, 0);
    let started = Instant::now();
    for (id, code) in work.ids.iter().zip(codes) {
        match black_box(service.validate(black_box(id), black_box(code), now)) {
            Ok(_) => accepted += 1,
            Err(_) => rejected += 1,
        }
    }
    (accepted, rejected, started.elapsed())
}

/// One round of the bare work of a validation, for each credential: the window's three HMACs
/// (steps -1, 0 and +1) through [`PreparedKey::values_with`] on SHA-NI as the validator takes
/// them (the portable path without the `sha-ni` feature or the CPU's extensions), a constant-time
/// fold of the comparisons (no early exit), and the HMAC-SHA-256 of an accepted validation's
/// audit event, chained on the one before: its encoding as `audit::event_hash` lays it out
/// (96 bytes: the version tag, the previous MAC, sequence number, time, Token ID, kind, step
/// and drift) from the pad states prepared once, as the service's [`AuditKey`] holds and uses them. No store, no
/// lock, no state: what is left when everything a validation may skip is skipped.
///
/// [`AuditKey`]: webtoken_token_service::AuditKey
#[inline(never)]
fn round_limit(
    keys: &[PreparedKey],
    audit: &mac::MacKey,
    head: &mut [u8; 32],
    work: &Workload,
    round: u64,
) -> (u64, u64, Duration) {
    let now = now_of(round);
    let step = Params::default().step(now);
    let codes = &work.codes[round as usize];
    let (mut accepted, mut rejected) = (0, 0);
    let started = Instant::now();
    for ((key, code), id) in keys.iter().zip(codes).zip(&work.ids) {
        let typed: u32 = black_box(code)
            .parse()
            .expect("the workload's codes are digits");
        let window = [step - 1, step, step + 1];
        #[cfg(all(feature = "sha-ni", target_arch = "x86_64"))]
        let values = key.values_with(&sha_ni::ShaNi, window, 6);
        #[cfg(not(all(feature = "sha-ni", target_arch = "x86_64")))]
        let values = key.values(window, 6);
        let values = values.expect("6 digits");
        let mut hit = 0_u32;
        for value in values {
            hit |= u32::from(value == typed);
        }
        let seq: u64 = accepted + rejected;
        // The event in the buffer `audit::event_hash` lays it out in (128 bytes, 96 used).
        let mut event = [0_u8; 128];
        event[..18].copy_from_slice(b"webtoken-audit-v2\0");
        event[18..50].copy_from_slice(head);
        event[50..58].copy_from_slice(&seq.to_be_bytes());
        event[58..66].copy_from_slice(&now.to_be_bytes());
        event[66] = 1;
        event[67..79].copy_from_slice(id.as_bytes());
        event[79] = 2;
        event[80..88].copy_from_slice(&step.to_be_bytes());
        *head = audit.mac_short(black_box(&event), 96);
        if black_box(hit) == 1 {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    (accepted, rejected, started.elapsed())
}

/// A part of a validation, timed alone to show where the time between the limit and
/// `TokenService::validate` goes.
#[derive(Clone, Copy)]
enum Subset {
    /// The credential's lookup: `CredentialStore::load` (a hash, a lock and the copy of the
    /// prepared key and the state; at 10,000 credentials, mostly the cache miss on the entry).
    Lookup,
    /// Everything but the writes: `TokenService::would_accept` (the lookup, the input's
    /// normalisation and the constant-time window; no compare-and-set, no audit event).
    Decision,
}

/// One round of a [`Subset`] of `TokenService::validate`, every credential once. Nothing is
/// written, so the validations that follow in the round see the same state.
#[inline(never)]
fn round_subset(
    service: &TokenService,
    work: &Workload,
    round: u64,
    subset: Subset,
) -> (u64, u64, Duration) {
    let now = now_of(round);
    let codes = &work.codes[round as usize];
    let (mut accepted, mut rejected) = (0, 0);
    let started = Instant::now();
    for (id, code) in work.ids.iter().zip(codes) {
        let ok = match subset {
            Subset::Lookup => black_box(service.store().load(black_box(id))).is_some(),
            Subset::Decision => {
                black_box(service.would_accept(black_box(id), black_box(code), now))
                    .outcome
                    .is_ok()
            }
        };
        if ok {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    (accepted, rejected, started.elapsed())
}

/// One round of totp-rs `check` on the same inputs.
fn round_totp_rs(totps: &[totp_rs::Totp], work: &Workload, round: u64) -> (u64, u64, Duration) {
    let now = now_of(round);
    let codes = &work.codes[round as usize];
    let (mut accepted, mut rejected) = (0, 0);
    let started = Instant::now();
    for (totp, code) in totps.iter().zip(codes) {
        match black_box(totp.check(black_box(code), now)) {
            Some(_) => accepted += 1,
            None => rejected += 1,
        }
    }
    (accepted, rejected, started.elapsed())
}

/// Which SHA-1 the validator and the limit run here.
fn sha1_path() -> &'static str {
    #[cfg(all(feature = "sha-ni", target_arch = "x86_64"))]
    if std::arch::is_x86_feature_detected!("sha") {
        return "HMAC-SHA-1 on SHA-NI, three side by side";
    }
    "HMAC-SHA-1 on the portable path"
}

fn report(name: &str, tally: &Tally) {
    let (median, best) = tally.median_and_best();
    println!(
        "{name:<48} median round {median:>10.0}/s  best {best:>10.0}/s  overall {:>10.0}/s  \
         ({} accepted, {} rejected)",
        tally.overall(),
        tally.accepted,
        tally.rejected,
    );
}

fn main() {
    let credentials = setting("VALIDATE_BENCH_CREDENTIALS", CREDENTIALS);
    let measured_rounds = setting("VALIDATE_BENCH_ROUNDS", MEASURED_ROUNDS);
    let rounds = WARM_UP_ROUNDS + measured_rounds;
    println!(
        "{credentials} credentials, {measured_rounds} measured rounds of one 30-second step \
         ({} validations in all), SHA-1, 6 digits, window +-1, one thread",
        credentials as u64 * measured_rounds
    );
    let work = workload(credentials, rounds);

    let service = TokenService::new(MemoryStore::new(), Policy::default());
    // Issued in another order than they are validated in, as a service sees them: no store
    // layout gets the rounds' order for free.
    for i in shuffled(credentials) {
        service
            .provision(
                work.ids[i].clone(),
                work.secrets[i].clone(),
                Params::default(),
                START,
            )
            .expect("distinct Token IDs");
    }
    let totps: Vec<totp_rs::Totp> = work
        .secrets
        .iter()
        .map(|secret| {
            totp_rs::Builder::new()
                .with_secret(secret.as_bytes())
                .with_skew(1)
                .build()
                .expect("valid totp-rs settings")
        })
        .collect();

    let keys: Vec<PreparedKey> = work
        .secrets
        .iter()
        .map(|secret| PreparedKey::new(secret, Params::default().algorithm))
        .collect();
    let audit = mac::MacKey::new(&[7; 32]);
    let mut head = [0_u8; 32];

    // The validators take turns round by round, so that all see the same machine; the
    // validator's round follows totp-rs's, which leaves none of the service's entries in cache.
    let (mut ours, mut theirs, mut limit) = (Tally::default(), Tally::default(), Tally::default());
    let (mut lookup, mut decision) = (Tally::default(), Tally::default());
    for round in 0..rounds {
        let (accepted, rejected, elapsed) = round_service(&service, &work, round);
        if round >= WARM_UP_ROUNDS {
            ours.record(accepted, rejected, elapsed);
        }
        // After the validations, whose codes are now used: the dry run finds them replayed,
        // by the same constant-time work.
        for (subset, tally) in [
            (Subset::Lookup, &mut lookup),
            (Subset::Decision, &mut decision),
        ] {
            let (accepted, rejected, elapsed) = round_subset(&service, &work, round, subset);
            if round >= WARM_UP_ROUNDS {
                tally.record(accepted, rejected, elapsed);
            }
        }
        let (accepted, rejected, elapsed) = round_limit(&keys, &audit, &mut head, &work, round);
        if round >= WARM_UP_ROUNDS {
            limit.record(accepted, rejected, elapsed);
        }
        let (accepted, rejected, elapsed) = round_totp_rs(&totps, &work, round);
        if round >= WARM_UP_ROUNDS {
            theirs.record(accepted, rejected, elapsed);
        }
    }
    report("webtoken TokenService::validate (state+audit)", &ours);
    report("totp-rs Totp::check (no state, early exit)", &theirs);
    report("limit: window HMACs + audit HMAC, no state", &limit);
    report("subset: the lookup alone (store load)", &lookup);
    report("subset: all but the writes (would_accept)", &decision);

    // Every correct code here is fresh and every wrong one is no code of the window, so the
    // stateful validator must accept exactly what the stateless one does.
    assert_eq!(ours.accepted, theirs.accepted, "both validators agree");
    assert_eq!(
        ours.accepted, limit.accepted,
        "the limit's comparisons agree"
    );
    let (median, _) = ours.median_and_best();
    let (limit_median, _) = limit.median_and_best();
    println!(
        "against its limit: {median:.0}/s of {limit_median:.0}/s, ratio {:.2} (median rounds, \
         {credentials} credentials, {}); goal >= 0.50 and >= 2,000,000/s: {}",
        median / limit_median,
        sha1_path(),
        if median / limit_median >= 0.5 && median >= 2_000_000.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "median ratio to totp-rs: {:.2}; goal >= 1,000,000 validations/s (median round): {}",
        median / theirs.median_and_best().0,
        if median >= 1_000_000.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
