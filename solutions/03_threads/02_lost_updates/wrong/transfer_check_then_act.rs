//! Family 4 (a bound checked on one entry point only): `withdraw` is fixed
//! with `fetch_update`, but `transfer` checks the source with a `load` and
//! then subtracts: two transfers can both see the last cent and both take
//! it. Only `withdraw` was raced for an account's last cent.

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

    /// Moves `amount` from one account to another if `from` holds that
    /// much; says whether it did.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        // Wrong: `load` then `fetch_sub`: two transfers can both see the last cent
        // Check first, then move: both in one go with atomics.
        if self.accounts[from].load(Ordering::SeqCst) < amount {
            return false;
        }
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
