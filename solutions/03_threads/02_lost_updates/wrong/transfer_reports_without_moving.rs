//! Family 1 (work skipped): `transfer` says it moved the money and moves
//! nothing. Money is never created or destroyed, so the bank's total is
//! always right; only each account's balance shows the transfers never
//! happened.

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
        // Wrong: reports a transfer and moves nothing: the total, all that was tested, stays right
        // Whatever happens, the total stays the same.
        let _ = (to, amount);
        self.balance(from) >= amount
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
