//! 03/02 lost updates: a bank that many threads use at once.
//!
//! Rust will not compile a data race, so this bank uses atomics: every
//! single load and store is safe. It still loses money. Reading a balance
//! and writing it back are two steps, and another thread can write in
//! between: one of the two updates is lost. Fix every method so that money
//! is never created or destroyed, no balance goes below zero, and no two
//! transfers can wait for each other forever.
//!
//! You may change how `Bank` stores its accounts (a `Mutex` per account,
//! atomics, both), but not the methods' signatures.
//!
//! Read: src/03_threads/02_lost_updates.md in the book.
//! Check: cargo run -p checker -- run lost_updates

use std::sync::atomic::{AtomicU64, Ordering};

/// Accounts numbered from 0, each holding a balance in cents.
pub struct Bank {
    accounts: Vec<AtomicU64>,
}

impl Bank {
    /// `accounts` accounts, each opened with `opening_balance`.
    pub fn new(accounts: usize, opening_balance: u64) -> Self {
        Bank {
            accounts: (0..accounts)
                .map(|_| AtomicU64::new(opening_balance))
                .collect(),
        }
    }

    /// Adds `amount` to an account.
    pub fn deposit(&self, account: usize, amount: u64) {
        // TODO: this read-then-write loses updates when two threads deposit
        // at once. Do it in one step.
        let balance = self.accounts[account].load(Ordering::SeqCst);
        self.accounts[account].store(balance + amount, Ordering::SeqCst);
    }

    /// Takes `amount` from an account if it holds that much; says whether
    /// it did.
    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        // TODO: between the check and the store another thread can withdraw
        // too. Check and change in one step.
        let balance = self.accounts[account].load(Ordering::SeqCst);
        if balance < amount {
            return false;
        }
        self.accounts[account].store(balance - amount, Ordering::SeqCst);
        true
    }

    /// Moves `amount` from one account to another if `from` holds that
    /// much; says whether it did.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        // TODO: correct once `withdraw` and `deposit` are. If you lock
        // accounts instead, lock the two in the same order every time.
        if self.withdraw(from, amount) {
            self.deposit(to, amount);
            true
        } else {
            false
        }
    }

    /// The balance of one account.
    pub fn balance(&self, account: usize) -> u64 {
        self.accounts[account].load(Ordering::SeqCst)
    }

    /// All the money in the bank.
    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
