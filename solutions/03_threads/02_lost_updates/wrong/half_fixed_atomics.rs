//! Wrong: `deposit` fixed with `fetch_add`, but `withdraw` still loads,
//! checks, then subtracts: two threads can both see enough and both take.

use std::sync::atomic::{AtomicU64, Ordering};

pub struct Bank {
    accounts: Vec<AtomicU64>,
}

impl Bank {
    pub fn new(accounts: usize, opening_balance: u64) -> Self {
        Bank {
            accounts: (0..accounts).map(|_| AtomicU64::new(opening_balance)).collect(),
        }
    }

    pub fn deposit(&self, account: usize, amount: u64) {
        self.accounts[account].fetch_add(amount, Ordering::SeqCst);
    }

    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        // Wrong: load, check, then `fetch_sub`: atomic steps, but not one atomic step
        if self.accounts[account].load(Ordering::SeqCst) < amount {
            return false;
        }
        self.accounts[account].fetch_sub(amount, Ordering::SeqCst);
        true
    }

    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        if self.withdraw(from, amount) {
            self.deposit(to, amount);
            true
        } else {
            false
        }
    }

    pub fn balance(&self, account: usize) -> u64 {
        self.accounts[account].load(Ordering::SeqCst)
    }

    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
