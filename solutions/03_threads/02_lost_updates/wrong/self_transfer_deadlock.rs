//! Family 6 (decision tables without both sides of every threshold): locks
//! are taken lower index first, for `from < to` and `from > to`, but not
//! `from == to`: a transfer from an account to itself locks the same mutex
//! twice and waits for itself forever.

use std::sync::Mutex;

/// Accounts numbered from 0, each holding a balance in cents.
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// `accounts` accounts, each opened with `opening_balance`.
    pub fn new(accounts: usize, opening_balance: u64) -> Self {
        Bank {
            accounts: (0..accounts).map(|_| Mutex::new(opening_balance)).collect(),
        }
    }

    /// Adds `amount` to an account.
    pub fn deposit(&self, account: usize, amount: u64) {
        *self.accounts[account].lock().unwrap() += amount;
    }

    /// Takes `amount` from an account if it holds that much; says whether
    /// it did.
    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        let mut balance = self.accounts[account].lock().unwrap();
        // The check and the change happen under one lock.
        if *balance < amount {
            return false;
        }
        *balance -= amount;
        true
    }

    /// Moves `amount` from one account to another if `from` holds that
    /// much; says whether it did.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        // Wrong: no `from == to` case: a self-transfer locks one mutex twice and waits forever
        // Lock order: always the lower index first.
        let (low, high) = (from.min(to), from.max(to));
        let mut low_guard = self.accounts[low].lock().unwrap();
        let mut high_guard = self.accounts[high].lock().unwrap();
        let (source, target) = if from == low {
            (&mut *low_guard, &mut *high_guard)
        } else {
            (&mut *high_guard, &mut *low_guard)
        };
        if *source < amount {
            return false;
        }
        *source -= amount;
        *target += amount;
        true
    }

    /// The balance of one account.
    pub fn balance(&self, account: usize) -> u64 {
        *self.accounts[account].lock().unwrap()
    }

    /// All the money in the bank.
    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
