//! The save cycle against memory stores and sealers, driven without an async runtime.

#![allow(clippy::unwrap_used)]

use super::*;

/// A counter with a log of the changes applied to it, so a lost change shows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Log(Vec<String>);

impl Record for Log {
    fn absent() -> Self {
        Log(Vec::new())
    }
    fn encode(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.join(","))
    }
    fn decode(text: &str) -> Result<Self, String> {
        if text.contains(' ') {
            return Err("a space".into());
        }
        Ok(Log(text
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()))
    }
}

type Tab<'a> = Keeper<&'a MemoryRecord, MemorySealer, Log>;

fn tab(record: &MemoryRecord) -> Tab<'_> {
    Keeper::new(record, MemorySealer::default())
}

/// Adds `entry`; answers the log's length.
fn push(entry: &str) -> impl FnMut(&mut Log) -> Change<usize, ()> + '_ {
    move |log| {
        log.0.push(entry.to_owned());
        Change::Save(log.0.len())
    }
}

fn stored(record: &MemoryRecord) -> Option<Log> {
    let text = record.text()?;
    let opened = now(MemorySealer::default().open(&text)).unwrap().unwrap();
    Some(Log::decode(std::str::from_utf8(&opened.plain).unwrap()).unwrap())
}

fn log(entries: &[&str]) -> Log {
    Log(entries.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn a_change_is_answered_once_saved_and_another_tab_reads_it() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    assert_eq!(now(one.change(push("a"))).unwrap(), Outcome::Saved(1));
    assert_eq!(now(one.change(push("b"))).unwrap(), Outcome::Saved(2));
    assert!(record.text().unwrap().starts_with("sealed:"), "sealed");
    assert_eq!(stored(&record), Some(log(&["a", "b"])));
    let two = tab(&record);
    assert!(now(two.refresh()).unwrap(), "read");
    assert_eq!(two.with(Clone::clone), log(&["a", "b"]));
    assert!(
        !now(two.refresh()).unwrap(),
        "unchanged text is not opened again"
    );
    assert_eq!(two.problem(), None);
}

#[test]
fn each_change_starts_from_what_another_tab_wrote() {
    let record = MemoryRecord::default();
    let (one, two) = (tab(&record), tab(&record));
    now(one.change(push("a"))).unwrap();
    now(two.change(push("b"))).unwrap();
    now(one.change(push("c"))).unwrap();
    assert_eq!(stored(&record), Some(log(&["a", "b", "c"])));
    assert_eq!(record.writes(), 3);
}

/// Another writer that writes `times` times just before each of this keeper's writes.
struct Racing<'a> {
    record: &'a MemoryRecord,
    other: Tab<'a>,
    times: Cell<usize>,
}

impl RecordStore for Racing<'_> {
    fn get(&self) -> Result<Option<String>, StoreError> {
        self.record.get()
    }
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        if self.times.get() > 0 {
            self.times.set(self.times.get() - 1);
            now(self.other.change(push("other"))).unwrap();
        }
        self.record.write_if(expected, text)
    }
    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        self.record.remove_if(expected)
    }
}

fn racing(record: &MemoryRecord, times: usize) -> Keeper<Racing<'_>, MemorySealer, Log> {
    let store = Racing {
        record,
        other: tab(record),
        times: Cell::new(times),
    };
    Keeper::new(store, MemorySealer::default())
}

#[test]
fn a_conflicting_write_is_retried_on_the_newer_value() {
    let record = MemoryRecord::default();
    let mine = racing(&record, 1);
    let mut applied = 0;
    let outcome = now(mine.change(|log| {
        applied += 1;
        push("mine")(log)
    }));
    assert_eq!(
        outcome.unwrap(),
        Outcome::Saved(2),
        "answered from the newer value"
    );
    assert_eq!(applied, 2, "applied again after the conflict");
    assert_eq!(
        stored(&record),
        Some(log(&["other", "mine"])),
        "nothing lost"
    );
    assert_eq!(mine.with(Clone::clone), log(&["other", "mine"]));
}

#[test]
fn exhausted_retries_keep_the_change_in_memory_and_say_busy() {
    let record = MemoryRecord::default();
    let mine = racing(&record, ATTEMPTS);
    let mut applied = 0;
    let outcome = now(mine.change(|log| {
        applied += 1;
        push("mine")(log)
    }));
    assert!(
        matches!(outcome, Some(Outcome::NotSaved(_, Problem::Busy))),
        "{outcome:?}"
    );
    assert_eq!(applied, ATTEMPTS);
    let others = vec!["other"; ATTEMPTS];
    assert_eq!(
        stored(&record),
        Some(log(&others)),
        "the other writer's work stays"
    );
    assert_eq!(mine.problem(), Some(Problem::Busy));
    // The record changed since: this tab stays in memory rather than drop either side.
    assert!(matches!(
        now(mine.change(push("more"))),
        Some(Outcome::NotSaved(_, Problem::Busy))
    ));
    assert_eq!(stored(&record), Some(log(&others)));
}

#[test]
fn a_store_that_refuses_writes_reports_nothing_as_saved() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    record.refuse_writes(Some(StoreError::QuotaExceeded));
    let outcome = now(one.change(push("a"))).unwrap();
    assert_eq!(
        outcome,
        Outcome::NotSaved(1, Problem::Store(StoreError::QuotaExceeded))
    );
    assert_eq!(record.text(), None, "nothing written");
    assert_eq!(one.with(Clone::clone), log(&["a"]), "kept in memory");
    assert_eq!(
        one.problem(),
        Some(Problem::Store(StoreError::QuotaExceeded))
    );
    // Room again: the next change saves both, over the text this tab last saw.
    record.refuse_writes(None);
    assert_eq!(now(one.change(push("b"))).unwrap(), Outcome::Saved(2));
    assert_eq!(stored(&record), Some(log(&["a", "b"])));
    assert_eq!(one.problem(), None);
}

#[test]
fn a_blocked_store_works_in_memory_and_is_not_read_again() {
    let record = MemoryRecord::default();
    let blocked = StoreError::Unavailable("sandboxed".into());
    record.refuse(Some(blocked.clone()));
    let one = tab(&record);
    assert!(!now(one.refresh()).unwrap());
    assert_eq!(one.problem(), Some(Problem::Store(blocked.clone())));
    assert_eq!(
        now(one.change(push("a"))).unwrap(),
        Outcome::NotSaved(1, Problem::Store(blocked))
    );
    assert_eq!(one.with(Clone::clone), log(&["a"]));
    assert_eq!(record.writes(), 0);
}

#[test]
fn a_sealer_without_a_key_saves_nothing() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    one.sealer().set_no_key(true);
    assert_eq!(
        now(one.change(push("a"))).unwrap(),
        Outcome::NotSaved(1, Problem::Seal(MemorySealError::NoKey))
    );
    assert_eq!(record.text(), None);
    one.sealer().set_no_key(false);
    assert_eq!(now(one.change(push("b"))).unwrap(), Outcome::Saved(2));
}

#[test]
fn an_unreadable_record_is_never_overwritten_until_discarded() {
    for (damaged, problem) in [
        ("garbage", Problem::Open(MemorySealError::Damaged)),
        (
            "sealed:1:6120737061636520",
            Problem::Decode("a space".to_owned()),
        ),
    ] {
        let record = MemoryRecord::default();
        record.set(Some(damaged));
        let one = tab(&record);
        assert!(now(one.refresh()).unwrap());
        assert_eq!(one.problem(), Some(problem.clone()));
        assert_eq!(one.with(Clone::clone), Log::absent(), "nothing shown");
        assert_eq!(
            now(one.change(push("a"))).unwrap(),
            Outcome::NotSaved(1, problem.clone())
        );
        assert_eq!(record.text().as_deref(), Some(damaged), "left as it is");
        assert_eq!(record.writes(), 0);
        assert!(now(one.discard()).unwrap(), "the customer decides");
        assert_eq!(record.text(), None);
        assert_eq!(now(one.change(push("b"))).unwrap(), Outcome::Saved(2));
        assert_eq!(stored(&record), Some(log(&["a", "b"])));
    }
}

#[test]
fn discard_removes_only_an_unreadable_record_still_as_seen() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.change(push("a"))).unwrap();
    assert!(!now(one.discard()).unwrap(), "a readable record is kept");
    record.set(Some("garbage"));
    now(one.refresh()).unwrap();
    record.set(Some("other garbage"));
    assert!(!now(one.discard()).unwrap(), "changed since it was seen");
    assert_eq!(record.text().as_deref(), Some("other garbage"));
}

#[test]
fn a_refused_change_writes_nothing_and_keep_writes_nothing() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.change(push("a"))).unwrap();
    let refused = now(one.change(|_: &mut Log| Change::<(), &str>::Refuse("no"))).unwrap();
    assert_eq!(refused, Outcome::Refused("no"));
    let kept = now(one.change(|log: &mut Log| Change::<usize, ()>::Keep(log.0.len())));
    assert_eq!(kept.unwrap(), Outcome::Saved(1));
    assert_eq!(record.writes(), 1);
}

#[test]
fn a_record_removed_by_another_tab_reads_as_absent() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.change(push("a"))).unwrap();
    record.set(None);
    assert!(now(one.refresh()).unwrap());
    assert_eq!(one.with(Clone::clone), Log::absent());
    assert!(!one.has_seen());
}

#[test]
fn reopen_changes_nothing_when_the_record_still_cannot_be_opened() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.change(push("a"))).unwrap();
    one.sealer().set_no_key(true);
    assert_eq!(
        now(one.reopen()).unwrap(),
        Err(Problem::Open(MemorySealError::NoKey))
    );
    assert_eq!(one.with(Clone::clone), log(&["a"]));
    one.sealer().set_no_key(false);
    assert_eq!(now(one.reopen()).unwrap(), Ok(()));
}

/// A sealer that waits once before sealing, as WebCrypto does.
#[derive(Default)]
struct SlowSealer(MemorySealer);

impl Sealer for SlowSealer {
    type Error = MemorySealError;
    async fn seal(&self, plain: &str, version: u64) -> Result<String, MemorySealError> {
        let mut waited = false;
        poll_fn(|cx| {
            if waited {
                Poll::Ready(())
            } else {
                waited = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await;
        self.0.seal(plain, version).await
    }
    async fn open(&self, text: &str) -> Result<Opened, MemorySealError> {
        self.0.open(text).await
    }
}

#[test]
fn changes_started_at_once_run_one_after_the_other() {
    let record = MemoryRecord::default();
    let one = Keeper::<_, _, Log>::new(&record, SlowSealer::default());
    let mut a = pin!(one.change(push("a")));
    let mut b = pin!(one.change(push("b")));
    let mut cx = Context::from_waker(Waker::noop());
    let (mut ra, mut rb) = (None, None);
    for _ in 0..20 {
        if ra.is_none()
            && let Poll::Ready(out) = a.as_mut().poll(&mut cx)
        {
            ra = Some(out);
        }
        if rb.is_none()
            && let Poll::Ready(out) = b.as_mut().poll(&mut cx)
        {
            rb = Some(out);
        }
    }
    assert_eq!(ra, Some(Outcome::Saved(1)));
    assert_eq!(rb, Some(Outcome::Saved(2)));
    assert_eq!(
        record.writes(),
        2,
        "no conflict: the second waited its turn"
    );
    assert_eq!(stored(&record), Some(log(&["a", "b"])));
}

#[test]
fn a_change_may_ask_why_the_record_is_not_saved() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    let outcome = now(one.change(|log: &mut Log| {
        // A page drawing what the change shows early reads the problem meanwhile.
        assert_eq!(one.problem(), None);
        assert!(!one.has_seen());
        log.0.push("a".into());
        Change::<(), ()>::Save(())
    }));
    assert_eq!(outcome, Some(Outcome::Saved(())));
}

/// A change committed while writes are refused is not answered and leaves nothing behind: the
/// value is the stored one, so the same change once storage works again starts from it (a
/// validation's spent step and failure count are never answered unsaved).
#[test]
fn a_commit_that_cannot_be_saved_is_not_answered_and_changes_nothing() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    assert_eq!(now(one.commit(push("a"))).unwrap(), Committed::Saved(1));
    record.refuse_writes(Some(StoreError::QuotaExceeded));
    assert_eq!(
        now(one.commit(push("b"))).unwrap(),
        Committed::Failed(Problem::Store(StoreError::QuotaExceeded))
    );
    assert_eq!(one.with(Clone::clone), log(&["a"]), "put back");
    assert_eq!(stored(&record), Some(log(&["a"])));
    // Reads still answer while the stored record is readable; refusals change nothing.
    let count = |l: &mut Log| Change::<usize, ()>::Keep(l.0.len());
    assert_eq!(now(one.commit(count)).unwrap(), Committed::Saved(1));
    let refuse = |_: &mut Log| Change::<(), &str>::Refuse("no");
    assert_eq!(now(one.commit(refuse)).unwrap(), Committed::Refused("no"));
    // Another tab wrote meanwhile: once writes work, the next commit starts from its write.
    record.refuse_writes(None);
    now(tab(&record).commit(push("c"))).unwrap();
    assert_eq!(now(one.commit(push("d"))).unwrap(), Committed::Saved(3));
    assert_eq!(stored(&record), Some(log(&["a", "c", "d"])));
}

/// Over a stored record that cannot be read, a commit neither saves nor answers, reads
/// included: the value shown would be an empty one, not the stored one.
#[test]
fn a_commit_over_an_unreadable_record_fails_and_leaves_it() {
    let record = MemoryRecord::default();
    record.set(Some("damaged"));
    let one = tab(&record);
    let count = |l: &mut Log| Change::<usize, ()>::Keep(l.0.len());
    assert_eq!(
        now(one.commit(count)).unwrap(),
        Committed::Failed(Problem::Open(MemorySealError::Damaged))
    );
    assert!(matches!(
        now(one.commit(push("a"))).unwrap(),
        Committed::Failed(Problem::Open(_))
    ));
    assert_eq!(one.with(Clone::clone), log(&[]));
    assert_eq!(record.text().as_deref(), Some("damaged"));
}

/// A sealer without its key: nothing committed, nothing kept in memory.
#[test]
fn a_commit_without_a_key_changes_nothing() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    one.sealer().set_no_key(true);
    assert_eq!(
        now(one.commit(push("a"))).unwrap(),
        Committed::Failed(Problem::Seal(MemorySealError::NoKey))
    );
    assert_eq!(one.with(Clone::clone), log(&[]));
    one.sealer().set_no_key(false);
    assert_eq!(now(one.commit(push("b"))).unwrap(), Committed::Saved(1));
}

/// A failed commit is reported by `problem`, and storage that works again is used at once.
#[test]
fn a_failed_commit_says_why_and_the_next_one_reads_afresh() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    let blocked = StoreError::Unavailable("sandboxed".into());
    record.refuse(Some(blocked.clone()));
    assert_eq!(
        now(one.commit(push("a"))).unwrap(),
        Committed::Failed(Problem::Store(blocked.clone()))
    );
    assert_eq!(one.problem(), Some(Problem::Store(blocked)));
    record.refuse(None);
    now(tab(&record).commit(push("b"))).unwrap();
    assert_eq!(now(one.commit(push("c"))).unwrap(), Committed::Saved(2));
    assert_eq!(one.problem(), None);
    assert_eq!(stored(&record), Some(log(&["b", "c"])));
}

/// Each write seals the next version and raises the highest seen, kept apart from the record:
/// an older copy put back is refused on the next read (nothing of it is shown or accepted),
/// never overwritten, and reported; the newer record put back reads again.
#[test]
fn an_older_record_put_back_is_found_out_and_left_alone() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.commit(push("a"))).unwrap();
    let old = record.text().unwrap();
    now(one.commit(push("b"))).unwrap();
    let newer = record.text().unwrap();
    assert_eq!(record.highest(), Ok(2));
    record.set(Some(&old));
    let next_visit = tab(&record);
    assert!(now(next_visit.refresh()).unwrap());
    let rolled_back = Problem::RolledBack {
        found: 1,
        highest: 2,
    };
    assert_eq!(next_visit.problem(), Some(rolled_back.clone()));
    assert_eq!(next_visit.with(Clone::clone), log(&[]), "nothing shown");
    assert_eq!(
        now(next_visit.commit(push("c"))).unwrap(),
        Committed::Failed(rolled_back)
    );
    assert_eq!(record.text(), Some(old), "kept for staff to look at");
    record.set(Some(&newer));
    assert_eq!(
        now(next_visit.commit(push("c"))).unwrap(),
        Committed::Saved(3)
    );
    assert_eq!(record.highest(), Ok(3));
}

/// A record its reader would refuse is never written: the change is undone and reported.
#[test]
fn a_record_longer_than_its_reader_accepts_is_not_written() {
    #[derive(Debug, Clone, PartialEq)]
    struct Small(Log);
    impl Record for Small {
        fn absent() -> Self {
            Small(Log::absent())
        }
        fn encode(&self) -> Zeroizing<String> {
            self.0.encode()
        }
        fn decode(text: &str) -> Result<Self, String> {
            if text.len() > Self::max_len() {
                return Err("too long".into());
            }
            Log::decode(text).map(Small)
        }
        fn max_len() -> usize {
            8
        }
    }
    let record = MemoryRecord::default();
    let one = Keeper::<_, _, Small>::new(&record, MemorySealer::default());
    let add = |entry: &'static str| {
        move |s: &mut Small| {
            s.0.0.push(entry.to_owned());
            Change::<(), ()>::Save(())
        }
    };
    assert_eq!(now(one.commit(add("abc"))).unwrap(), Committed::Saved(()));
    assert_eq!(
        now(one.commit(add("defgh"))).unwrap(),
        Committed::Failed(Problem::TooLarge { bytes: 9, max: 8 })
    );
    assert_eq!(one.with(|s| s.0.clone()), log(&["abc"]));
    let fresh = Keeper::<_, _, Small>::new(&record, MemorySealer::default());
    assert!(now(fresh.refresh()).unwrap());
    assert_eq!(fresh.problem(), None, "what was written reads back");
}

/// A record whose version mark cannot be read.
struct NoMark<'a>(&'a MemoryRecord, Cell<bool>);

impl RecordStore for NoMark<'_> {
    fn get(&self) -> Result<Option<String>, StoreError> {
        self.0.get()
    }
    fn write_if(&self, expected: Option<&str>, text: &str) -> Result<Written, StoreError> {
        self.0.write_if(expected, text)
    }
    fn remove_if(&self, expected: Option<&str>) -> Result<Written, StoreError> {
        self.0.remove_if(expected)
    }
    fn highest(&self) -> Result<u64, StoreError> {
        if self.1.get() {
            return Err(StoreError::Failed("no mark".into()));
        }
        self.0.highest()
    }
    fn raise(&self, version: u64) -> Result<(), StoreError> {
        self.0.raise(version)
    }
}

/// When the version mark cannot be read, the record is not read either: nothing of it is used
/// and nothing is written over it, until the mark reads again.
#[test]
fn a_record_is_not_used_or_overwritten_while_its_version_mark_cannot_be_read() {
    let record = MemoryRecord::default();
    now(tab(&record).commit(push("a"))).unwrap();
    let one = Keeper::<_, _, Log>::new(NoMark(&record, Cell::new(true)), MemorySealer::default());
    assert!(!now(one.refresh()).unwrap());
    assert_eq!(
        now(one.commit(push("b"))).unwrap(),
        Committed::Failed(Problem::Store(StoreError::Failed("no mark".into())))
    );
    assert_eq!(stored(&record), Some(log(&["a"])));
    one.store().1.set(false);
    assert_eq!(now(one.commit(push("b"))).unwrap(), Committed::Saved(2));
    assert_eq!(stored(&record), Some(log(&["a", "b"])));
}

/// Locking a list: forgetting drops the value at once, and the next read opens the stored
/// text afresh, so a sealer that lost its key shows the problem and nothing of the value.
#[test]
fn a_forgotten_value_is_read_again_and_needs_the_key_again() {
    let record = MemoryRecord::default();
    let one = tab(&record);
    now(one.change(push("secret"))).unwrap();
    now(one.forget()).unwrap();
    assert_eq!(one.with(Clone::clone), log(&[]));
    assert!(!one.has_seen());
    one.sealer().set_no_key(true);
    assert!(
        now(one.refresh()).unwrap(),
        "the stored text is opened again"
    );
    assert_eq!(one.with(Clone::clone), log(&[]));
    assert_eq!(one.problem(), Some(Problem::Open(MemorySealError::NoKey)));
    // Without forgetting, the same text is not opened again and the value stays.
    let two = tab(&record);
    now(two.refresh()).unwrap();
    two.sealer().set_no_key(true);
    assert!(!now(two.refresh()).unwrap());
    assert_eq!(two.with(Clone::clone), log(&["secret"]));
    // The key back, the value reads again.
    one.sealer().set_no_key(false);
    now(one.reopen()).unwrap().unwrap();
    assert_eq!(one.with(Clone::clone), log(&["secret"]));
}

#[test]
fn each_prefix_names_its_own_device_key() {
    assert_eq!(
        device_key_name("webtoken-token-"),
        "webtoken-token-device-key"
    );
    assert_ne!(device_key_name("a-"), device_key_name("b-"));
}

#[test]
fn a_storage_event_is_about_a_record_when_it_names_it_or_clears_everything() {
    assert!(storage_event_about(
        Some("webtoken-token-list"),
        "webtoken-token-list"
    ));
    assert!(storage_event_about(None, "webtoken-token-list"));
    assert!(!storage_event_about(
        Some("webtoken-service-records"),
        "webtoken-token-list"
    ));
}
