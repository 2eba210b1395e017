//! Family 6 (decision tables without both sides of every threshold):
//! `transfer` moves the money whether or not the source covers it. The
//! stress run's balances never come near zero, so no transfer was ever
//! refused, or needed to be.

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
        self.accounts[account].fetch_add(amount, Ordering::SeqCst);
    }

    /// Takes `amount` from an account if it holds that much; says whether
    /// it did.
    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        self.accounts[account]
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
                b.checked_sub(amount)
            })
            .is_ok()
    }

    /// Moves `amount` from one account to another; says whether it did.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        // Wrong: moves the money even when `from` cannot cover it; atomic steps feel safe
        // Each step is atomic: nothing is lost.
        self.accounts[from].fetch_sub(amount, Ordering::SeqCst);
        self.accounts[to].fetch_add(amount, Ordering::SeqCst);
        true
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
