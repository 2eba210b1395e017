//! Family 9 (mistakes this hardware cannot show): a spin lock per account
//! around an `UnsafeCell`, taken and given back with `Ordering::Relaxed`.
//! Nothing orders the balance's read and write after the take or before
//! the give back: a data race. On x86 the hardware keeps ordinary loads and
//! stores in order, so every test of the totals passes there; on ARM, or
//! once the compiler moves an access, money is lost.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// One account: its lock and the balance it guards.
struct Account {
    locked: AtomicBool,
    balance: UnsafeCell<u64>,
}

/// Accounts numbered from 0, each holding a balance in cents.
pub struct Bank {
    accounts: Vec<Account>,
}

// SAFETY (as the learner believed): a balance is only touched while its
// account's lock is held.
unsafe impl Sync for Bank {}

impl Bank {
    /// `accounts` accounts, each opened with `opening_balance`.
    pub fn new(accounts: usize, opening_balance: u64) -> Self {
        Bank {
            accounts: (0..accounts)
                .map(|_| Account {
                    locked: AtomicBool::new(false),
                    balance: UnsafeCell::new(opening_balance),
                })
                .collect(),
        }
    }

    // Wrong: taken (and given back in `unlock`) with Relaxed: orders nothing; x86 hides it
    fn lock(&self, account: usize) {
        while self.accounts[account]
            .locked
            .compare_exchange_weak(false, true, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
    }

    fn unlock(&self, account: usize) {
        self.accounts[account].locked.store(false, Ordering::Relaxed);
    }

    /// The balance of a locked account.
    #[allow(clippy::mut_from_ref)]
    fn balance_mut(&self, account: usize) -> &mut u64 {
        // SAFETY (as the learner believed): the caller holds the lock.
        unsafe { &mut *self.accounts[account].balance.get() }
    }

    /// Adds `amount` to an account.
    pub fn deposit(&self, account: usize, amount: u64) {
        self.lock(account);
        *self.balance_mut(account) += amount;
        self.unlock(account);
    }

    /// Takes `amount` from an account if it holds that much; says whether
    /// it did.
    pub fn withdraw(&self, account: usize, amount: u64) -> bool {
        self.lock(account);
        let balance = self.balance_mut(account);
        let done = *balance >= amount;
        if done {
            *balance -= amount;
        }
        self.unlock(account);
        done
    }

    /// Moves `amount` from one account to another if `from` holds that
    /// much; says whether it did.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> bool {
        if from == to {
            return self.balance(from) >= amount;
        }
        // Lock order: always the lower index first.
        let (low, high) = (from.min(to), from.max(to));
        self.lock(low);
        self.lock(high);
        let done = *self.balance_mut(from) >= amount;
        if done {
            *self.balance_mut(from) -= amount;
            *self.balance_mut(to) += amount;
        }
        self.unlock(high);
        self.unlock(low);
        done
    }

    /// The balance of one account.
    pub fn balance(&self, account: usize) -> u64 {
        self.lock(account);
        let balance = *self.balance_mut(account);
        self.unlock(account);
        balance
    }

    /// All the money in the bank.
    pub fn total(&self) -> u64 {
        (0..self.accounts.len()).map(|a| self.balance(a)).sum()
    }
}
