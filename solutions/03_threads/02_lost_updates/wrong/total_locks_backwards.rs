//! Family 4 (a bound checked on one entry point only): `transfer` takes its
//! two locks lower index first, but `total` locks every account from the
//! last to the first: a total and a transfer can each hold a lock the other
//! waits for. Deadlock was looked for between transfers only.

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
        if from == to {
            return *self.accounts[from].lock().unwrap() >= amount;
        }
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

    /// All the money in the bank, as one consistent snapshot: every
    /// account locked at once, so no transfer is counted half-done.
    pub fn total(&self) -> u64 {
        // Wrong: locks last to first, against `transfer`'s order; a snapshot looks safer
        let guards: Vec<_> = self
            .accounts
            .iter()
            .rev()
            .map(|account| account.lock().unwrap())
            .collect();
        guards.iter().map(|balance| **balance).sum()
    }
}
