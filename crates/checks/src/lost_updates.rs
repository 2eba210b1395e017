//! 03/02 lost updates: under a stress run of 8 threads x 100,000 random
//! operations (three times, fresh random operations each time) no money
//! appears or vanishes and every account ends exactly where the operations
//! the bank accepted put it; `withdraw` and `transfer` refuse exactly what
//! the balance does not cover (probed at, below and above it); threads
//! racing for an account's last cent, through `withdraw` and through
//! `transfer`, never overdraw it; and no operation waits forever: opposite
//! transfers, a transfer from an account to itself, and `total` while
//! transfers run.
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
/// No operation finishing for this long, on an idle machine, means a
/// deadlock (stretched as [`crate::processes::watch`] stretches a limit).
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
            "money preserved, every account where the accepted operations put it, in {REPEATS} runs of {THREADS} threads x {OPERATIONS} operations ({})",
            ms(started.elapsed())
        ),
    ));
    let overdraft = judge_bounds(&probe_bounds(ops)).and_then(|bounds| {
        let withdrawn = drain(ops, Via::Withdraw)?;
        let transferred = drain(ops, Via::Transfer)?;
        Ok((bounds, withdrawn, transferred))
    });
    report = match overdraft {
        Ok((bounds, withdrawn, transferred)) => {
            let line = format!("{bounds}; {}; {}", withdrawn.line, transferred.line);
            if withdrawn.raced && transferred.raced {
                report.with(Evidence::pass(OVERDRAFT, line))
            } else {
                report.with(Evidence::inconclusive(OVERDRAFT, format!(
                    "{line}: the two threads were seldom inside the bank at the same moment (under {:.0}% of the calls), so a race for the last cent could not show; {}",
                    MIN_SIDE_BY_SIDE * 100.0,
                    one_core_words()
                )))
            }
        }
        Err(finding) => return fail(report, finding),
    };
    let deadlock = opposite_transfers(ops).and_then(|opposite| {
        let own = self_transfer(ops)?;
        let read = total_during_transfers(ops)?;
        Ok(format!("{opposite}; {own}; {read}"))
    });
    match deadlock {
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

/// Why operations stop finishing, in the phases where two transfers in
/// opposite directions are the likely cause.
const TRANSFERS_STUCK: &str = "Deadlock: two transfers each hold one account's lock and wait for the other's. Lock the two accounts in the same order every time (the lower index first), whatever the direction of the transfer.";

/// Why two threads may not have run side by side, in words for this
/// machine.
fn one_core_words() -> String {
    match std::thread::available_parallelism().map_or(1, |n| n.get()) {
        1 => format!(
            "{}: run the check on a machine with 2 or more cores to judge it",
            crate::machine::ONE_CORE
        ),
        n => format!(
            "this machine has {n} cores, but other programs kept one of the two threads waiting: close them and run again"
        ),
    }
}

fn run_threads<B: Send + Sync + 'static, T: Send + 'static>(
    bank: Arc<B>,
    threads: usize,
    stuck: &'static str,
    body: impl Fn(usize, &B, &Progress) -> T + Send + Sync + 'static,
) -> Result<Vec<T>, Finding> {
    let progress = Arc::new(Progress::default());
    let result = watch_threads(bank, threads, stuck, body, &progress);
    if result.is_err() {
        progress.abandoned.store(true, Ordering::Relaxed);
    }
    result
}

fn watch_threads<B: Send + Sync + 'static, T: Send + 'static>(
    bank: Arc<B>,
    threads: usize,
    stuck: &'static str,
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
    let mut pace = crate::processes::Pace::default();
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
                pace.probe();
                crate::processes::note_stretch(pace.slowdown());
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > pace.stretch(STALL) {
                    crate::processes::note_starved(&pace);
                    return Err((
                        DEADLOCK,
                        format!(
                            "no operation finished for {}, with {} of {threads} threads still running",
                            crate::processes::secs(last.1.elapsed()),
                            threads - finished
                        ),
                        stuck.to_owned(),
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
    // Each thread returns, per account, the money the operations the bank
    // accepted moved in (+) and out (-).
    let flows = run_threads(
        Arc::clone(&bank),
        THREADS,
        TRANSFERS_STUCK,
        move |t, bank, progress| {
            let mut flow = vec![0i64; ACCOUNTS];
            let mut r = base ^ (t as u64 + 1);
            for n in 0..OPERATIONS {
                r = mix(r);
                let a = (r % ACCOUNTS as u64) as usize;
                let b = ((r >> 8) % ACCOUNTS as u64) as usize;
                let amount = (r >> 16) % 100 + 1;
                match (r >> 32) % 10 {
                    0..=3 => {
                        (ops.deposit)(bank, a, amount);
                        flow[a] += amount as i64;
                    }
                    4..=6 => {
                        if (ops.withdraw)(bank, a, amount) {
                            flow[a] -= amount as i64;
                        }
                    }
                    _ => {
                        let b = if a == b { (b + 1) % ACCOUNTS } else { b };
                        if (ops.transfer)(bank, a, b, amount) {
                            flow[a] -= amount as i64;
                            flow[b] += amount as i64;
                        }
                    }
                }
                if n % 256 == 0 {
                    progress.step();
                }
            }
            flow
        },
    )?;
    let expected: Vec<u64> = (0..ACCOUNTS)
        .map(|a| (OPENING as i64 + flows.iter().map(|f| f[a]).sum::<i64>()).max(0) as u64)
        .collect();
    let balances: Vec<u64> = (0..ACCOUNTS).map(|a| (ops.balance)(&bank, a)).collect();
    let total = (ops.total)(&bank);
    judge_balances(repeat, &expected, &balances, total)
}

/// The judge of a stress run: `expected` is each account's opening balance
/// plus what the operations the bank accepted moved in and out, `balances`
/// what the bank says, `total` its `total()`.
fn judge_balances(
    repeat: usize,
    expected: &[u64],
    balances: &[u64],
    total: u64,
) -> Result<(), Finding> {
    let want: u64 = expected.iter().sum();
    if let Some(a) = balances.iter().position(|&b| b > want) {
        return Err((
            OVERDRAFT,
            format!("run {repeat}: account {a} holds {}, more than the whole bank should", balances[a]),
            "A balance went below zero and wrapped around: withdraw only what is there, checking and changing in one step.".to_owned(),
        ));
    }
    let summed: u64 = balances.iter().sum();
    if summed != want {
        let diff = want as i128 - summed as i128;
        let what = if diff > 0 {
            "vanished"
        } else {
            "appeared from nowhere"
        };
        return Err((
            TOTALS,
            format!(
                "run {repeat}: the bank should hold {want} but holds {summed}: {} {what}",
                diff.unsigned_abs()
            ),
            "Updates were lost: a thread read a balance, another changed it, and the first wrote back a value computed from the old one. Make each read-and-write one step: `fetch_add`, `compare_exchange`, or a lock held across both.".to_owned(),
        ));
    }
    if total != want {
        return Err((
            TOTALS,
            format!("run {repeat}: the balances add up to {summed}, but total() says {total}"),
            "`total` should return the sum of every account's balance.".to_owned(),
        ));
    }
    if let Some(a) = (0..expected.len()).find(|&a| balances[a] != expected[a]) {
        return Err((
            TOTALS,
            format!(
                "run {repeat}: the total is right, but account {a} holds {} where the operations your bank accepted leave {}",
                balances[a], expected[a]
            ),
            "The money is all there, in the wrong accounts: `transfer` must return true exactly when it moved `amount` from `from` to `to`, and false when it changed nothing.".to_owned(),
        ));
    }
    Ok(())
}

/// One operation of the boundary probe: what it was, whether the bank said
/// it happened and whether it should have, and the balances it left
/// against the right ones.
#[derive(Debug, Clone, PartialEq)]
struct Probe {
    what: String,
    transfer: bool,
    said: bool,
    should: bool,
    left: Vec<u64>,
    want: Vec<u64>,
}

/// Runs `withdraw` and `transfer` at, below and above what an account
/// holds, one thread, one operation at a time.
fn probe_bounds<B>(ops: Ops<B>) -> Vec<Probe> {
    let bank = (ops.new)(3, 100);
    let mut probes = Vec::new();
    let mut want = vec![100, 100, 100];
    let mut step = |what: &str, transfer: bool, said: bool, should: bool, want: &[u64]| {
        probes.push(Probe {
            what: what.to_owned(),
            transfer,
            said,
            should,
            left: (0..3).map(|a| (ops.balance)(&bank, a)).collect(),
            want: want.to_vec(),
        });
    };
    let said = (ops.withdraw)(&bank, 0, 101);
    step(
        "withdraw 101 from an account holding 100",
        false,
        said,
        false,
        &want,
    );
    let said = (ops.withdraw)(&bank, 0, 99);
    want[0] = 1;
    step(
        "withdraw 99 from an account holding 100",
        false,
        said,
        true,
        &want,
    );
    let said = (ops.withdraw)(&bank, 0, 1);
    want[0] = 0;
    step(
        "withdraw 1 from an account holding 1",
        false,
        said,
        true,
        &want,
    );
    let said = (ops.withdraw)(&bank, 0, 1);
    step(
        "withdraw 1 from an account holding 0",
        false,
        said,
        false,
        &want,
    );
    let said = (ops.transfer)(&bank, 1, 2, 101);
    step(
        "transfer 101 from an account holding 100",
        true,
        said,
        false,
        &want,
    );
    let said = (ops.transfer)(&bank, 1, 2, 99);
    (want[1], want[2]) = (1, 199);
    step(
        "transfer 99 from an account holding 100",
        true,
        said,
        true,
        &want,
    );
    let said = (ops.transfer)(&bank, 1, 2, 1);
    (want[1], want[2]) = (0, 200);
    step(
        "transfer 1 from an account holding 1",
        true,
        said,
        true,
        &want,
    );
    let said = (ops.transfer)(&bank, 1, 0, 1);
    step(
        "transfer 1 from an account holding 0",
        true,
        said,
        false,
        &want,
    );
    probes
}

/// The judge of the boundary probe: every operation said what it did, and
/// did what it said, on both sides of the balance and at it.
fn judge_bounds(probes: &[Probe]) -> Result<String, Finding> {
    for p in probes {
        if p.said == p.should && p.left == p.want {
            continue;
        }
        let op = if p.transfer {
            "`transfer`"
        } else {
            "`withdraw`"
        };
        let line = format!(
            "{}: returned {}, balances {:?} after (want {}, balances {:?})",
            p.what, p.said, p.left, p.should, p.want
        );
        let cause = if !p.should && (p.said || p.left != p.want) {
            format!(
                "{op} must refuse (return false and change nothing) when the account holds less than the amount, and take it when it holds exactly the amount or more: compare with `<`, not `<=`, and check before taking."
            )
        } else if p.should && !p.said {
            format!(
                "{op} refused an amount the account covers: an account holding exactly the amount can pay it (refuse only when the balance is less, `<`, not `<=`)."
            )
        } else {
            format!(
                "{op} said it happened but the balances disagree: when it returns true it has moved exactly the amount, and when it returns false it has changed nothing."
            )
        };
        return Err((OVERDRAFT, line, cause));
    }
    Ok(format!(
        "{} withdrawals and transfers at, below and above the balance did exactly what the balance allows",
        probes.len()
    ))
}

/// Which operation races for the last cent.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Via {
    Withdraw,
    Transfer,
}

/// A race for last cents that found no overdraft: what it did, and whether
/// the two threads really were inside the bank's call at the same moment
/// often enough for a race to show.
struct Drained {
    line: String,
    raced: bool,
}

/// The least share of the calls in a race for last cents that must find
/// the other thread inside a call too: on one core the two threads take
/// turns, and a check-then-act mistake cannot show.
const MIN_SIDE_BY_SIDE: f64 = 0.05;

fn drain<B: Send + Sync + 'static>(ops: Ops<B>, via: Via) -> Result<Drained, Finding> {
    // Many accounts of one cent. Two threads go through them together: at
    // each account both wait at a spinning barrier, then both try to take
    // the cent at the same moment, and once more after that. Honest
    // withdrawals take exactly one cent from every account. Two threads
    // that both see the cent and both take it drive a balance below zero,
    // where it wraps round (or panics on overflow). Through `transfer`, the
    // cent goes to a second account of its own, which must end with two.
    //
    // The barrier is what makes this work on a busy machine: without it one
    // thread runs ahead through thousands of accounts while the other waits
    // for a core, and they never meet.
    const RACERS: usize = 2;
    let accounts: usize = match via {
        Via::Withdraw => 20_000,
        Via::Transfer => 10_000,
    };
    let started = Instant::now();
    let opened = match via {
        Via::Withdraw => accounts,
        Via::Transfer => 2 * accounts,
    };
    let bank = Arc::new((ops.new)(opened, 1));
    let arrived = Arc::new(AtomicUsize::new(0));
    // How many threads are inside a call of the bank right now: a call that
    // finds the other one inside too ran side by side with it.
    let inside = Arc::new(AtomicUsize::new(0));
    let base = seed();
    let wins = run_threads(
        Arc::clone(&bank),
        RACERS,
        TRANSFERS_STUCK,
        move |t, bank, progress| {
            let (mut wins, mut side_by_side) = (0u64, 0u64);
            let mut r = base ^ (t as u64 + 1);
            for account in 0..accounts {
                arrived.fetch_add(1, Ordering::SeqCst);
                let everyone = (account + 1) * RACERS;
                let mut spins = 0u32;
                while arrived.load(Ordering::SeqCst) < everyone {
                    if progress.abandoned() {
                        return (wins, side_by_side);
                    }
                    spins += 1;
                    if spins.is_multiple_of(64) {
                        std::thread::yield_now();
                    } else {
                        std::hint::spin_loop();
                    }
                }
                // From here to the end of its two calls a thread is in the
                // race: one that finds the other in it too raced side by side.
                if inside.fetch_add(1, Ordering::SeqCst) > 0 {
                    side_by_side += 1;
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
                    let took = match via {
                        Via::Withdraw => (ops.withdraw)(bank, account, 1),
                        Via::Transfer => (ops.transfer)(bank, account, accounts + account, 1),
                    };
                    if took {
                        wins += 1;
                    }
                }
                inside.fetch_sub(1, Ordering::SeqCst);
                if account % 64 == 0 {
                    progress.step();
                }
            }
            (wins, side_by_side)
        },
    )?;
    let taken: u64 = wins.iter().map(|w| w.0).sum();
    let side_by_side: u64 = wins.iter().map(|w| w.1).sum();
    // Each race has one thread that enters second.
    let races = accounts as u64;
    let overdrawn = (0..accounts)
        .filter(|&a| (ops.balance)(&bank, a) != 0)
        .count();
    let misplaced = match via {
        Via::Withdraw => 0,
        Via::Transfer => (0..accounts)
            .filter(|&a| (ops.balance)(&bank, accounts + a) != 2)
            .count(),
    };
    judge_drain(via, accounts, taken, overdrawn, misplaced)?;
    let how = match via {
        Via::Withdraw => "withdraw",
        Via::Transfer => "transfer",
    };
    Ok(Drained {
        line: format!(
            "{RACERS} threads raced {accounts} times to {how} an account's only cent: never overdrawn; in {:.0}% of the races both were in it at once ({})",
            100.0 * side_by_side as f64 / races as f64,
            ms(started.elapsed())
        ),
        raced: side_by_side as f64 >= MIN_SIDE_BY_SIDE * races as f64,
    })
}

/// The judge of a race for last cents: `taken` cents reported taken from
/// `accounts` accounts of one cent, `overdrawn` accounts not at zero after,
/// `misplaced` receiving accounts (transfers) not at two.
fn judge_drain(
    via: Via,
    accounts: usize,
    taken: u64,
    overdrawn: usize,
    misplaced: usize,
) -> Result<(), Finding> {
    if taken == accounts as u64 && overdrawn == 0 && misplaced == 0 {
        return Ok(());
    }
    let (how, cause) = match via {
        Via::Withdraw => (
            "withdrew",
            "A balance went below zero: two threads both saw the last cent and both took it. Check and change in one step, under one lock or with `compare_exchange`.",
        ),
        Via::Transfer => (
            "transferred",
            "A balance went below zero: two transfers both saw the last cent and both took it. `transfer` must check and take in one step too: take from `from` as `withdraw` does (`compare_exchange` / `fetch_update`, or under the account's lock), then give to `to`.",
        ),
    };
    Err((
        OVERDRAFT,
        format!(
            "2 threads {how} {taken} cents from {accounts} accounts of one cent; {overdrawn} accounts did not end at zero{}",
            if misplaced > 0 {
                format!(", {misplaced} receiving accounts did not end at two")
            } else {
                String::new()
            }
        ),
        cause.to_owned(),
    ))
}

fn opposite_transfers<B: Send + Sync + 'static>(ops: Ops<B>) -> Result<String, Finding> {
    const EACH: usize = 200_000;
    let moved = Arc::new(AtomicU64::new(0));
    let bank = Arc::new((ops.new)(2, OPENING));
    let counted = Arc::clone(&moved);
    run_threads(
        Arc::clone(&bank),
        4,
        TRANSFERS_STUCK,
        move |t, bank, progress| {
            let (from, to) = if t % 2 == 0 { (0, 1) } else { (1, 0) };
            for n in 0..EACH {
                if (ops.transfer)(bank, from, to, 1) {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
                if n % 256 == 0 {
                    progress.step();
                }
            }
        },
    )?;
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

/// A transfer from an account to itself returns, and changes nothing.
fn self_transfer<B: Send + Sync + 'static>(ops: Ops<B>) -> Result<String, Finding> {
    let bank = Arc::new((ops.new)(2, 100));
    run_threads(
        Arc::clone(&bank),
        1,
        "A transfer from an account to itself never returned: it locked the same account twice and waits for itself. Decide what such a transfer does before locking anything (the money stays where it is: return whether the account covers the amount).",
        move |_, bank, progress| {
            for amount in [50, 100, 150] {
                (ops.transfer)(bank, 1, 1, amount);
                progress.step();
            }
        },
    )?;
    let left = [(ops.balance)(&bank, 0), (ops.balance)(&bank, 1)];
    if left != [100, 100] {
        return Err((
            TOTALS,
            format!("transfers from account 1 to itself left balances {left:?}, not [100, 100]"),
            "A transfer from an account to itself moves nothing: the balance must stay as it was."
                .to_owned(),
        ));
    }
    Ok("a transfer from an account to itself returned and changed nothing".to_owned())
}

/// `total` and `balance`, called while transfers run, never wait forever.
fn total_during_transfers<B: Send + Sync + 'static>(ops: Ops<B>) -> Result<String, Finding> {
    // Long enough for the unlucky interleaving to come up even when another
    // program takes a core; a bank that never deadlocks spends this once.
    const FOR: Duration = Duration::from_millis(400);
    // Few accounts, so that a total and a transfer often want the same ones;
    // threads 0 and 2 read the bank while 1 and 3 transfer, each reader on
    // a different core from a transferrer.
    const FEW: usize = 4;
    let bank = Arc::new((ops.new)(FEW, OPENING));
    let base = seed();
    run_threads(
        Arc::clone(&bank),
        4,
        "Deadlock between `total` (or `balance`) and `transfer`: they take the accounts' locks in different orders, so each can hold a lock the other waits for. Take locks in the same order everywhere (the lower index first), in `total` too, or read the balances one at a time.",
        move |t, bank, progress| {
            let mut r = base ^ (t as u64 + 1);
            let started = Instant::now();
            for n in 0u64.. {
                if n % 256 == 0 {
                    if started.elapsed() > FOR {
                        break;
                    }
                    progress.step();
                }
                r = mix(r);
                let a = (r % FEW as u64) as usize;
                if t % 2 == 0 {
                    std::hint::black_box((ops.total)(bank));
                    std::hint::black_box((ops.balance)(bank, a));
                } else {
                    let b = ((r >> 8) % (FEW as u64 - 1)) as usize;
                    let b = if b >= a { b + 1 } else { b };
                    (ops.transfer)(bank, a, b, 1);
                }
            }
        },
    )?;
    let total = (ops.total)(&bank);
    if total != FEW as u64 * OPENING {
        return Err((
            TOTALS,
            format!(
                "after transfers the bank holds {total}, not {}",
                FEW as u64 * OPENING
            ),
            "A transfer must take from one account and give to the other as one step.".to_owned(),
        ));
    }
    Ok("`total` and `balance` kept returning while 2 threads transferred".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn balances_where_the_accepted_operations_put_them_pass() {
        assert!(judge_balances(1, &[100, 50], &[100, 50], 150).is_ok());
    }

    #[test]
    fn money_lost_or_made_fails_as_lost_updates() {
        let (name, line, cause) = judge_balances(1, &[100, 50], &[99, 50], 149).unwrap_err();
        assert_eq!(name, TOTALS);
        assert!(line.contains("1 vanished"));
        assert!(cause.contains("Updates were lost"));
        let (_, line, _) = judge_balances(1, &[100, 50], &[101, 50], 151).unwrap_err();
        assert!(line.contains("1 appeared from nowhere"));
    }

    #[test]
    fn a_wrapped_balance_is_an_overdraft() {
        let (name, _, _) = judge_balances(1, &[100, 50], &[u64::MAX, 50], 0).unwrap_err();
        assert_eq!(name, OVERDRAFT);
    }

    #[test]
    fn a_wrong_total_fails_even_with_the_right_balances() {
        let (_, _, cause) = judge_balances(1, &[100, 50], &[100, 50], 151).unwrap_err();
        assert!(cause.contains("`total`"));
    }

    #[test]
    fn the_right_total_in_the_wrong_accounts_fails() {
        // A transfer of 10 from 0 to 1 reported but never made.
        let (name, line, cause) = judge_balances(1, &[90, 60], &[100, 50], 150).unwrap_err();
        assert_eq!(name, TOTALS);
        assert!(line.contains("account 0 holds 100"));
        assert!(cause.contains("`transfer` must return true exactly when"));
    }

    fn probe(transfer: bool, said: bool, should: bool, left: [u64; 2], want: [u64; 2]) -> Probe {
        Probe {
            what: "an operation".into(),
            transfer,
            said,
            should,
            left: left.to_vec(),
            want: want.to_vec(),
        }
    }

    #[test]
    fn operations_on_both_sides_of_the_balance_judged() {
        let right = [
            probe(false, false, false, [100, 0], [100, 0]),
            probe(true, true, true, [0, 100], [0, 100]),
        ];
        assert!(judge_bounds(&right).is_ok());
        // Over the balance, taken anyway: `<=` where `<` belongs, or no check.
        let (name, _, cause) =
            judge_bounds(&[probe(true, true, false, [u64::MAX, 101], [100, 0])]).unwrap_err();
        assert_eq!(name, OVERDRAFT);
        assert!(cause.contains("`transfer` must refuse"));
        // Refused, but with the balance changed all the same.
        let (_, _, cause) =
            judge_bounds(&[probe(false, false, false, [0, 0], [100, 0])]).unwrap_err();
        assert!(cause.contains("`withdraw` must refuse"));
        // Exactly the balance, refused: `<=` where `<` belongs.
        let (_, _, cause) =
            judge_bounds(&[probe(false, false, true, [100, 0], [0, 0])]).unwrap_err();
        assert!(cause.contains("refused an amount the account covers"));
        // Said yes, moved nothing.
        let (_, _, cause) =
            judge_bounds(&[probe(true, true, true, [100, 0], [0, 100])]).unwrap_err();
        assert!(cause.contains("balances disagree"));
    }

    #[test]
    fn a_race_for_the_last_cent_judged_on_every_count() {
        assert!(judge_drain(Via::Withdraw, 10, 10, 0, 0).is_ok());
        assert!(judge_drain(Via::Withdraw, 10, 11, 1, 0).is_err());
        assert!(judge_drain(Via::Withdraw, 10, 9, 0, 0).is_err());
        let (_, line, cause) = judge_drain(Via::Transfer, 10, 10, 0, 1).unwrap_err();
        assert!(line.contains("1 receiving accounts"));
        assert!(cause.contains("`transfer` must check and take in one step"));
    }

    #[test]
    fn the_bounds_probe_of_the_solution_shape_passes() {
        // A plain single-threaded bank of the right shape, through the probe.
        struct Plain(Mutex<Vec<u64>>);
        let ops = Ops::<Plain> {
            new: |n, b| Plain(Mutex::new(vec![b; n])),
            deposit: |p, a, x| p.0.lock().unwrap()[a] += x,
            withdraw: |p, a, x| {
                let mut v = p.0.lock().unwrap();
                if v[a] < x {
                    return false;
                }
                v[a] -= x;
                true
            },
            transfer: |p, f, t, x| {
                let mut v = p.0.lock().unwrap();
                if f == t {
                    return v[f] >= x;
                }
                if v[f] < x {
                    return false;
                }
                v[f] -= x;
                v[t] += x;
                true
            },
            balance: |p, a| p.0.lock().unwrap()[a],
            total: |p| p.0.lock().unwrap().iter().sum(),
        };
        assert!(judge_bounds(&probe_bounds(ops)).is_ok());
    }
}
