//! 03/02 lost updates: under a stress run of 8 threads x 100,000 random
//! operations (three times) no money appears or vanishes; threads racing to
//! drain one account never overdraw it; opposite transfers never deadlock.
//!
//! A deadlocked or stuck bank cannot be joined, so every phase runs on
//! threads the check does not wait on forever: a watchdog sees progress stop
//! and gives the verdict.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use measured::kernel::mix;
use verdict::{Evidence, Report};

use crate::harness::{ms, panic_message, seed};

/// The exercise's short name.
pub const NAME: &str = "lost_updates";
/// Threads in the stress run.
pub const THREADS: usize = 8;
/// Operations per thread.
pub const OPERATIONS: usize = 100_000;
/// Times the stress run is repeated on a fresh bank.
pub const REPEATS: usize = 3;
/// Accounts in the bank: few, so threads collide often.
pub const ACCOUNTS: usize = 16;
/// Every account's opening balance.
pub const OPENING: u64 = 1_000_000;
/// No operation finishing for this long means a deadlock.
pub const STALL: Duration = Duration::from_secs(3);

/// The bank's operations, as plain functions (see [`bank_ops!`](crate::bank_ops)).
pub struct Ops<B> {
    /// `Bank::new(accounts, opening_balance)`.
    pub new: fn(usize, u64) -> B,
    /// `Bank::deposit(account, amount)`.
    pub deposit: fn(&B, usize, u64),
    /// `Bank::withdraw(account, amount) -> bool`.
    pub withdraw: fn(&B, usize, u64) -> bool,
    /// `Bank::transfer(from, to, amount) -> bool`.
    pub transfer: fn(&B, usize, usize, u64) -> bool,
    /// `Bank::balance(account) -> u64`.
    pub balance: fn(&B, usize) -> u64,
    /// `Bank::total() -> u64`.
    pub total: fn(&B) -> u64,
}

impl<B> Clone for Ops<B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B> Copy for Ops<B> {}

/// The [`Ops`] of a type with the exercise's methods: `bank_ops!(Bank)`.
#[macro_export]
macro_rules! bank_ops {
    ($bank:ty) => {
        $crate::lost_updates::Ops::<$bank> {
            new: <$bank>::new,
            deposit: <$bank>::deposit,
            withdraw: <$bank>::withdraw,
            transfer: <$bank>::transfer,
            balance: <$bank>::balance,
            total: <$bank>::total,
        }
    };
}

/// Checks a bank and writes the report.
pub fn main<B: Send + Sync + 'static>(ops: Ops<B>) {
    crate::main(NAME, || check(ops));
}

/// What a phase found wrong: the evidence it breaks, the line saying what
/// was measured, and the likely cause.
type Finding = (&'static str, String, String);

const TOTALS: &str = "totals";
const OVERDRAFT: &str = "no overdraft";
const DEADLOCK: &str = "no deadlock";

/// Checks a bank.
pub fn check<B: Send + Sync + 'static>(ops: Ops<B>) -> Report {
    let mut report = Report::new(NAME);
    let started = Instant::now();
    let fail = |report: Report, (name, line, cause): Finding| {
        report.with(Evidence::fail(name, line)).diagnose(cause)
    };
    for repeat in 1..=REPEATS {
        if let Err(finding) = stress(ops, repeat) {
            return fail(report, finding);
        }
    }
    report.push(Evidence::pass(
        TOTALS,
        format!(
            "money preserved in {REPEATS} runs of {THREADS} threads x {OPERATIONS} operations ({})",
            ms(started.elapsed())
        ),
    ));
    report = match drain(ops) {
        Ok(line) => report.with(Evidence::pass(OVERDRAFT, line)),
        Err(finding) => return fail(report, finding),
    };
    match opposite_transfers(ops) {
        Ok(line) => report.with(Evidence::pass(DEADLOCK, line)),
        Err(finding) => fail(report, finding),
    }
}

/// Runs `threads` copies of `body(thread, bank, progress)` on a fresh bank
/// and waits while they make progress. Returns what each thread returned,
/// or a finding if one panicked or all stalled.
/// What the threads of one phase share with the watchdog: how far they got,
/// and whether the watchdog has given up on them (then any thread still
/// spinning stops, instead of burning a core for the rest of the process).
#[derive(Default)]
struct Progress {
    steps: AtomicUsize,
    abandoned: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn step(&self) {
        self.steps.fetch_add(1, Ordering::Relaxed);
    }

    fn abandoned(&self) -> bool {
        self.abandoned.load(Ordering::Relaxed)
    }
}

fn run_threads<B: Send + Sync + 'static, T: Send + 'static>(
    bank: Arc<B>,
    threads: usize,
    body: impl Fn(usize, &B, &Progress) -> T + Send + Sync + 'static,
) -> Result<Vec<T>, Finding> {
    let progress = Arc::new(Progress::default());
    let result = watch_threads(bank, threads, body, &progress);
    if result.is_err() {
        progress.abandoned.store(true, Ordering::Relaxed);
    }
    result
}

fn watch_threads<B: Send + Sync + 'static, T: Send + 'static>(
    bank: Arc<B>,
    threads: usize,
    body: impl Fn(usize, &B, &Progress) -> T + Send + Sync + 'static,
    progress: &Arc<Progress>,
) -> Result<Vec<T>, Finding> {
    let body = Arc::new(body);
    // All threads start together, so their operations really overlap: a
    // spinning gate, because a sleeping barrier wakes its threads one by one
    // and the first could finish alone before the last wakes.
    let gate = Arc::new(AtomicUsize::new(0));
    let (done_tx, done_rx) = mpsc::channel();
    for t in 0..threads {
        let (bank, progress, body, done, gate) = (
            Arc::clone(&bank),
            Arc::clone(progress),
            Arc::clone(&body),
            done_tx.clone(),
            Arc::clone(&gate),
        );
        std::thread::spawn(move || {
            // Threads spread over the cores, so that they really run at the
            // same instant even when another program keeps one core busy.
            measured::affinity::pin_to_nth_core(t);
            gate.fetch_add(1, Ordering::SeqCst);
            while gate.load(Ordering::SeqCst) < threads && !progress.abandoned() {
                std::thread::yield_now();
            }
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                body(t, &bank, &progress)
            }));
            let _ = done.send((t, result));
        });
    }
    drop(done_tx);
    let mut results: Vec<Option<T>> = (0..threads).map(|_| None).collect();
    let mut last = (progress.steps.load(Ordering::Relaxed), Instant::now());
    let mut finished = 0;
    while finished < threads {
        match done_rx.recv_timeout(Duration::from_millis(100)) {
            Ok((t, Ok(value))) => {
                results[t] = Some(value);
                finished += 1;
            }
            Ok((_, Err(payload))) => {
                let message = panic_message(payload.as_ref());
                return Err(panic_finding(&message));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = progress.steps.load(Ordering::Relaxed);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > STALL {
                    return Err((
                        DEADLOCK,
                        format!(
                            "no operation finished for {} s, with {} of {threads} threads still running",
                            STALL.as_secs(),
                            threads - finished
                        ),
                        "Deadlock: two transfers each hold one account's lock and wait for the other's. Lock the two accounts in the same order every time (the lower index first), whatever the direction of the transfer.".to_owned(),
                    ));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(results.into_iter().flatten().collect())
}

fn panic_finding(message: &str) -> Finding {
    if message.contains("overflow") {
        (
            OVERDRAFT,
            format!("a thread panicked: {message}"),
            "A balance went below zero: between checking that the money is there and taking it, another thread took it. Check and change under one lock, or in one `compare_exchange` / `fetch_update`.".to_owned(),
        )
    } else if message.contains("not yet implemented") {
        (
            TOTALS,
            "a method still has a todo!()".to_owned(),
            "Not started yet: replace the `todo!()` with your code, then run again.".to_owned(),
        )
    } else {
        (
            TOTALS,
            format!("a thread panicked: {message}"),
            format!("Your bank panicked under load: {message}"),
        )
    }
}

fn stress<B: Send + Sync + 'static>(ops: Ops<B>, repeat: usize) -> Result<(), Finding> {
    let bank = Arc::new((ops.new)(ACCOUNTS, OPENING));
    let base = seed();
    // Each thread returns (deposited, withdrawn) by its own count.
    let flows = run_threads(Arc::clone(&bank), THREADS, move |t, bank, progress| {
        let (mut deposited, mut withdrawn) = (0u64, 0u64);
        let mut r = base ^ (t as u64 + 1);
        for n in 0..OPERATIONS {
            r = mix(r);
            let a = (r % ACCOUNTS as u64) as usize;
            let b = ((r >> 8) % ACCOUNTS as u64) as usize;
            let amount = (r >> 16) % 100 + 1;
            match (r >> 32) % 10 {
                0..=3 => {
                    (ops.deposit)(bank, a, amount);
                    deposited += amount;
                }
                4..=6 => {
                    if (ops.withdraw)(bank, a, amount) {
                        withdrawn += amount;
                    }
                }
                _ => {
                    let b = if a == b { (b + 1) % ACCOUNTS } else { b };
                    (ops.transfer)(bank, a, b, amount);
                }
            }
            if n % 256 == 0 {
                progress.step();
            }
        }
        (deposited, withdrawn)
    })?;
    let deposited: u64 = flows.iter().map(|f| f.0).sum();
    let withdrawn: u64 = flows.iter().map(|f| f.1).sum();
    let expected = OPENING * ACCOUNTS as u64 + deposited - withdrawn;
    let balances: Vec<u64> = (0..ACCOUNTS).map(|a| (ops.balance)(&bank, a)).collect();
    if let Some(a) = balances.iter().position(|&b| b > expected) {
        return Err((
            OVERDRAFT,
            format!("run {repeat}: account {a} holds {}, more than the whole bank should", balances[a]),
            "A balance went below zero and wrapped around: withdraw only what is there, checking and changing in one step.".to_owned(),
        ));
    }
    let total = (ops.total)(&bank);
    let summed: u64 = balances.iter().sum();
    if summed == expected && total != expected {
        return Err((
            TOTALS,
            format!("run {repeat}: the balances add up to {summed}, but total() says {total}"),
            "`total` should return the sum of every account's balance.".to_owned(),
        ));
    }
    if summed != expected {
        let diff = expected as i128 - summed as i128;
        let what = if diff > 0 {
            "vanished"
        } else {
            "appeared from nowhere"
        };
        return Err((
            TOTALS,
            format!(
                "run {repeat}: the bank should hold {expected} but holds {summed}: {} {what}",
                diff.unsigned_abs()
            ),
            "Updates were lost: a thread read a balance, another changed it, and the first wrote back a value computed from the old one. Make each read-and-write one step: `fetch_add`, `compare_exchange`, or a lock held across both.".to_owned(),
        ));
    }
    Ok(())
}

fn drain<B: Send + Sync + 'static>(ops: Ops<B>) -> Result<String, Finding> {
    // Many accounts of one cent. Two threads go through them together: at
    // each account both wait at a spinning barrier, then both try to take
    // the cent at the same moment, and once more after that. Honest
    // withdrawals take exactly one cent from every account. Two threads
    // that both see the cent and both take it drive a balance below zero,
    // where it wraps round (or panics on overflow).
    //
    // The barrier is what makes this work on a busy machine: without it one
    // thread runs ahead through thousands of accounts while the other waits
    // for a core, and they never meet.
    const RACERS: usize = 2;
    const ACCOUNTS: usize = 20_000;
    let started = Instant::now();
    let bank = Arc::new((ops.new)(ACCOUNTS, 1));
    let arrived = Arc::new(AtomicUsize::new(0));
    let base = seed();
    let wins = run_threads(Arc::clone(&bank), RACERS, move |t, bank, progress| {
        let mut wins = 0u64;
        let mut r = base ^ (t as u64 + 1);
        for account in 0..ACCOUNTS {
            arrived.fetch_add(1, Ordering::SeqCst);
            let everyone = (account + 1) * RACERS;
            let mut spins = 0u32;
            while arrived.load(Ordering::SeqCst) < everyone {
                if progress.abandoned() {
                    return wins;
                }
                spins += 1;
                if spins.is_multiple_of(64) {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            }
            // The last to arrive would always be first to the cent, while
            // the other is still noticing the barrier has opened: a random
            // pause of a few nanoseconds lets either one be first, and often
            // both at once.
            r = mix(r);
            for _ in 0..r % 24 {
                std::hint::spin_loop();
            }
            for _ in 0..2 {
                if (ops.withdraw)(bank, account, 1) {
                    wins += 1;
                }
            }
            if account % 64 == 0 {
                progress.step();
            }
        }
        wins
    })?;
    let taken: u64 = wins.iter().sum();
    let overdrawn = (0..ACCOUNTS)
        .filter(|&a| (ops.balance)(&bank, a) != 0)
        .count();
    if taken != ACCOUNTS as u64 || overdrawn > 0 {
        return Err((
            OVERDRAFT,
            format!(
                "{RACERS} threads withdrew {taken} cents from {ACCOUNTS} accounts of one cent; {overdrawn} accounts did not end at zero"
            ),
            "A balance went below zero: two threads both saw the last cent and both took it. Check and change in one step, under one lock or with `compare_exchange`.".to_owned(),
        ));
    }
    Ok(format!(
        "{RACERS} threads raced {ACCOUNTS} times for an account's only cent: never overdrawn ({})",
        ms(started.elapsed())
    ))
}

fn opposite_transfers<B: Send + Sync + 'static>(ops: Ops<B>) -> Result<String, Finding> {
    const EACH: usize = 200_000;
    let moved = Arc::new(AtomicU64::new(0));
    let bank = Arc::new((ops.new)(2, OPENING));
    let counted = Arc::clone(&moved);
    run_threads(Arc::clone(&bank), 4, move |t, bank, progress| {
        let (from, to) = if t % 2 == 0 { (0, 1) } else { (1, 0) };
        for n in 0..EACH {
            if (ops.transfer)(bank, from, to, 1) {
                counted.fetch_add(1, Ordering::Relaxed);
            }
            if n % 256 == 0 {
                progress.step();
            }
        }
    })?;
    let total = (ops.total)(&bank);
    if total != 2 * OPENING {
        return Err((
            TOTALS,
            format!(
                "after opposite transfers the bank holds {total}, not {}",
                2 * OPENING
            ),
            "A transfer must take from one account and give to the other as one step.".to_owned(),
        ));
    }
    Ok(format!(
        "4 threads made {} transfers in opposite directions between two accounts",
        moved.load(Ordering::Relaxed)
    ))
}
