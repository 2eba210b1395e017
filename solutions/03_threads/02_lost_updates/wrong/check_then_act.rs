//! Wrong: a lock per account, but `withdraw` checks the balance under one
//! lock and takes the money under another: in between, another thread can
//! take it first.

use std::sync::Mutex;

pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    pub fn new(accounts: usize, opening_balance: u64) -> Self {
        Bank {
            accounts: (0..accounts).map(|_| Mutex::new(opening_balance)).collect(),
        }
    }

    pub fn deposit(&self, account: usize, amount: u64) {
        *self.accounts[account].lock().unwrap() += amount;
    }

    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        // Wrong: checked under one lock, taken under another: another thread can take it between
        if self.balance(account) < amount {
            return false;
        }
        let mut balance = self.accounts[account].lock().unwrap();
        *balance = balance.wrapping_sub(amount);
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
        *self.accounts[account].lock().unwrap()
    }

    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
