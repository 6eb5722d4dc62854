//! Validation throughput: `TokenService::validate` with a window of +-1 and the replay and
//! lockout state written on every call, next to plain totp-rs `check` on the same inputs.
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
use webtoken_token_service::{MemoryStore, Policy, TokenService};

/// Credentials in the store (`VALIDATE_BENCH_CREDENTIALS` overrides it, for profiling).
const CREDENTIALS: usize = 10_000;
/// Rounds (one 30-second step each) before measuring, to warm caches and the allocator.
const WARM_UP_ROUNDS: u64 = 10;
/// Rounds measured: `CREDENTIALS * MEASURED_ROUNDS` validations (`VALIDATE_BENCH_ROUNDS`
/// overrides it, for profiling).
const MEASURED_ROUNDS: u64 = 100;
/// Unix time of the first round (November 2023).
const START: u64 = 1_700_000_010;

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
    for (id, secret) in work.ids.iter().zip(&work.secrets) {
        service
            .provision(id.clone(), secret.clone(), Params::default(), START)
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

    // The two validators take turns round by round, so that both see the same machine.
    let (mut ours, mut theirs) = (Tally::default(), Tally::default());
    for round in 0..rounds {
        let (accepted, rejected, elapsed) = round_service(&service, &work, round);
        if round >= WARM_UP_ROUNDS {
            ours.record(accepted, rejected, elapsed);
        }
        let (accepted, rejected, elapsed) = round_totp_rs(&totps, &work, round);
        if round >= WARM_UP_ROUNDS {
            theirs.record(accepted, rejected, elapsed);
        }
    }
    report("webtoken TokenService::validate (state+audit)", &ours);
    report("totp-rs Totp::check (no state, early exit)", &theirs);

    // Every correct code here is fresh and every wrong one is no code of the window, so the
    // stateful validator must accept exactly what the stateless one does.
    assert_eq!(ours.accepted, theirs.accepted, "both validators agree");
    let (median, _) = ours.median_and_best();
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
