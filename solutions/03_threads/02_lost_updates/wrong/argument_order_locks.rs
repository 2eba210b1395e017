//! Wrong: a lock per account, but `transfer` locks `from` then `to`: two
//! opposite transfers each take one lock and wait for the other forever.

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
        let mut balance = self.accounts[account].lock().unwrap();
        if *balance < amount {
            return false;
        }
        *balance -= amount;
        true
    }

    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        // Wrong: `from` then `to`: opposite transfers deadlock; argument order reads naturally
        let mut source = self.accounts[from].lock().unwrap();
        let mut target = self.accounts[to].lock().unwrap();
        if *source < amount {
            return false;
        }
        *source -= amount;
        *target += amount;
        true
    }

    pub fn balance(&self, account: usize) -> u64 {
        *self.accounts[account].lock().unwrap()
    }

    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
