//! Family 9: a lock built on `Relaxed` atomics.
//!
//! A lock is an atomic that is *taken* and *given back*:
//!
//! - taken: a `compare_exchange(FREE, HELD, ..)` (or `(FREE, owner)`), a
//!   `swap(HELD, ..)` or a `fetch_or(HELD, ..)`, in a spin loop's condition
//!   or in a condition whose branch leaves the loop; or outside any loop,
//!   its result tested (a try-lock), on an atomic also written elsewhere.
//!   Inside a loop, a condition whose branch does not leave it takes
//!   nothing (a waiter setting a flag). For a ticket lock, a `load`
//!   compared with `==`/`!=` in such a condition, on an atomic also written;
//! - given back: any other write to that atomic (`store`, `swap`,
//!   `fetch_add`, ...).
//!
//! Taking needs `Acquire` (or `AcqRel`/`SeqCst`), giving back `Release` (or
//! `AcqRel`/`SeqCst`), unless a `fence` with that ordering is in the same
//! function. Everything else is left alone: a counter bumped with
//! `fetch_add(1, Relaxed)`, a `compare_exchange` loop on a balance, a flag
//! read with `load(Relaxed)`, all touch one variable and need no order.
//!
//! Atomics are matched by the last name of the receiver (`self.locks[i]`,
//! `lock`, `&self.state.locked`: `locks`, `lock`, `locked`), through simple
//! `let` and `for` aliases.

use crate::{Family, Finding};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, Lit, Pat, UnOp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Relaxed,
    Release,
    Acquire,
    AcqRel,
    SeqCst,
}

impl Order {
    fn from_name(name: &str) -> Option<Order> {
        Some(match name {
            "Relaxed" => Order::Relaxed,
            "Release" => Order::Release,
            "Acquire" => Order::Acquire,
            "AcqRel" => Order::AcqRel,
            "SeqCst" => Order::SeqCst,
            _ => return None,
        })
    }

    fn acquires(self) -> bool {
        matches!(self, Order::Acquire | Order::AcqRel | Order::SeqCst)
    }

    fn releases(self) -> bool {
        matches!(self, Order::Release | Order::AcqRel | Order::SeqCst)
    }

    fn name(self) -> &'static str {
        match self {
            Order::Relaxed => "Relaxed",
            Order::Release => "Release",
            Order::Acquire => "Acquire",
            Order::AcqRel => "AcqRel",
            Order::SeqCst => "SeqCst",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Takes the lock in a spin loop.
    Take,
    /// Takes it once, result tested (a try-lock).
    TryTake,
    /// Waits for its turn with a load (a ticket lock).
    SpinLoad,
    /// Any other write: gives the lock back, if the atomic is a lock.
    Write,
    /// A plain read.
    Read,
}

#[derive(Debug)]
struct Op {
    key: String,
    method: String,
    role: Role,
    order: Order,
    line: usize,
    func: usize,
}

#[derive(Debug, Default)]
struct Func {
    aliases: HashMap<String, String>,
    acquire_fence: bool,
    release_fence: bool,
}

#[derive(Default)]
struct Collector {
    consts: HashMap<String, Order>,
    funcs: Vec<Func>,
    /// Index in `funcs` of the function being read (0: outside any).
    current: Vec<usize>,
    ops: Vec<Op>,
    /// How many loops the expression being read is inside (this function).
    loops: usize,
    /// Inside a `while` condition, or a condition whose branch leaves a loop.
    spin_condition: usize,
    /// Inside any `if`/`match`/`while` condition.
    condition: usize,
    /// Inside an operand of `==` or `!=`.
    equality: usize,
}

pub(crate) fn scan(text: &str, file: &Path) -> Vec<Finding> {
    let Ok(ast) = syn::parse_file(text) else {
        return Vec::new();
    };
    let mut consts = ConstOrders::default();
    consts.visit_file(&ast);
    let mut collector = Collector {
        consts: consts.0,
        funcs: vec![Func::default()],
        current: vec![0],
        ..Collector::default()
    };
    collector.visit_file(&ast);
    judge(&collector.ops, &collector.funcs)
        .into_iter()
        .map(|(line, what)| Finding {
            family: Family::MemoryOrdering,
            file: file.to_owned(),
            line,
            what,
        })
        .collect()
}

/// The findings: line and sentence.
fn judge(ops: &[Op], funcs: &[Func]) -> Vec<(usize, String)> {
    let mut by_key: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        by_key.entry(&op.key).or_default().push(op);
    }
    let mut findings = Vec::new();
    for (key, ops) in by_key {
        let written = ops.iter().any(|op| op.role == Role::Write);
        let takes: Vec<&Op> = ops
            .iter()
            .copied()
            .filter(|op| op.role == Role::Take || (op.role == Role::TryTake && written))
            .collect();
        let takes = if takes.is_empty() && written {
            ops.iter()
                .copied()
                .filter(|op| op.role == Role::SpinLoad)
                .collect()
        } else {
            takes
        };
        if takes.is_empty() {
            continue;
        }
        for op in &takes {
            if !op.order.acquires() && !funcs[op.func].acquire_fence {
                findings.push((
                    op.line,
                    format!(
                        "`{key}.{}(.., {})` takes the lock with {}: nothing the lock protects is ordered after it",
                        op.method,
                        op.order.name(),
                        op.order.name()
                    ),
                ));
            }
        }
        for op in ops.iter().filter(|op| op.role == Role::Write) {
            if !op.order.releases() && !funcs[op.func].release_fence {
                findings.push((
                    op.line,
                    format!(
                        "`{key}.{}(.., {})` gives the lock back with {}: nothing done under the lock is ordered before it",
                        op.method,
                        op.order.name(),
                        op.order.name()
                    ),
                ));
            }
        }
    }
    findings.sort();
    findings
}

/// `const ORDER: Ordering = Ordering::Relaxed;` anywhere in the file.
#[derive(Default)]
struct ConstOrders(HashMap<String, Order>);

impl<'ast> Visit<'ast> for ConstOrders {
    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        if let Some(order) = order_of(&item.expr, &self.0) {
            self.0.insert(item.ident.to_string(), order);
        }
        visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        if let Some(order) = order_of(&item.expr, &self.0) {
            self.0.insert(item.ident.to_string(), order);
        }
        visit::visit_item_static(self, item);
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        if let Some(order) = order_of(&item.expr, &self.0) {
            self.0.insert(item.ident.to_string(), order);
        }
        visit::visit_impl_item_const(self, item);
    }
}

fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(e) => strip(&e.expr),
        Expr::Group(e) => strip(&e.expr),
        Expr::Reference(e) => strip(&e.expr),
        Expr::Unary(e) if matches!(e.op, UnOp::Deref(_)) => strip(&e.expr),
        other => other,
    }
}

fn order_of(expr: &Expr, consts: &HashMap<String, Order>) -> Option<Order> {
    match strip(expr) {
        Expr::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            if p.path.segments.len() == 1
                && let Some(order) = consts.get(&last)
            {
                return Some(*order);
            }
            Order::from_name(&last)
        }
        _ => None,
    }
}

/// A constant an atomic lock state is compared or set to.
#[derive(Debug, PartialEq, Eq)]
enum Constant {
    Zero,
    NonZero,
    Named(String),
}

impl Constant {
    /// Whether it plausibly means "held".
    fn held(&self) -> bool {
        match self {
            Constant::Zero => false,
            Constant::NonZero => true,
            Constant::Named(name) => {
                let name = name.to_lowercase();
                ![
                    "unlock", "free", "idle", "none", "empty", "open", "avail", "release",
                    "vacant", "clear", "nobody", "no_one", "noone", "unowned", "unheld",
                    "not_held", "zero",
                ]
                .iter()
                .any(|word| name.contains(word))
            }
        }
    }
}

fn constant(expr: &Expr) -> Option<Constant> {
    match strip(expr) {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Bool(b) => Some(if b.value {
                Constant::NonZero
            } else {
                Constant::Zero
            }),
            Lit::Int(i) => Some(match i.base10_parse::<u128>() {
                Ok(0) => Constant::Zero,
                _ => Constant::NonZero,
            }),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => constant(&u.expr),
        Expr::Cast(c) => constant(&c.expr),
        Expr::Path(p) => {
            let last = p.path.segments.last()?.ident.to_string();
            let shouting = last
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            (p.path.segments.len() > 1 || shouting).then_some(Constant::Named(last))
        }
        _ => None,
    }
}

/// Methods that only pass the atomic through.
const PASS_THROUGH: &[&str] = &[
    "get",
    "get_unchecked",
    "unwrap",
    "expect",
    "as_ref",
    "deref",
    "borrow",
    "clone",
];

impl Collector {
    fn func(&mut self) -> &mut Func {
        let index = *self.current.last().expect("a function context");
        &mut self.funcs[index]
    }

    fn key(&self, expr: &Expr) -> Option<String> {
        match strip(expr) {
            Expr::Field(f) => Some(match &f.member {
                syn::Member::Named(name) => name.to_string(),
                syn::Member::Unnamed(index) => index.index.to_string(),
            }),
            Expr::Index(i) => self.key(&i.expr),
            Expr::Path(p) => {
                let last = p.path.segments.last()?.ident.to_string();
                let func = &self.funcs[*self.current.last()?];
                if p.path.segments.len() == 1
                    && let Some(alias) = func.aliases.get(&last)
                {
                    return Some(alias.clone());
                }
                Some(last)
            }
            Expr::MethodCall(m) if PASS_THROUGH.contains(&m.method.to_string().as_str()) => {
                self.key(&m.receiver)
            }
            Expr::MethodCall(m) => Some(m.method.to_string()),
            Expr::Call(c) => self.key(&c.func),
            _ => None,
        }
    }

    /// The key an alias `let x = <expr>` stands for, when `expr` names an
    /// atomic rather than computes a value.
    fn alias_target(&self, expr: &Expr) -> Option<String> {
        match strip(expr) {
            Expr::Field(_) | Expr::Index(_) | Expr::Path(_) => self.key(expr),
            Expr::MethodCall(m) if PASS_THROUGH.contains(&m.method.to_string().as_str()) => {
                self.key(expr)
            }
            _ => None,
        }
    }

    fn bind(&mut self, pat: &Pat, target: Option<String>) {
        let Some(target) = target else { return };
        let pat = match pat {
            Pat::Type(t) => &*t.pat,
            other => other,
        };
        if let Pat::Ident(ident) = pat {
            let name = ident.ident.to_string();
            if name != target {
                self.func().aliases.insert(name, target);
            }
        }
    }

    fn atomic_call(&mut self, call: &syn::ExprMethodCall) {
        let args: Vec<&Expr> = call.args.iter().collect();
        let line = call.method.span().start().line;
        self.atomic_op(call.method.to_string(), line, &call.receiver, &args);
    }

    /// `receiver.method(args)`, written as a method call or as
    /// `AtomicBool::swap(&receiver, args)`.
    fn atomic_op(&mut self, method: String, line: usize, receiver: &Expr, args: &[&Expr]) {
        let order_at = match (method.as_str(), args.len()) {
            ("load", 1) | ("fetch_update", 3) => 0,
            ("store" | "swap", 2) => 1,
            (m, 2) if m.starts_with("fetch_") => 1,
            ("compare_exchange" | "compare_exchange_weak" | "compare_and_swap", 4) => 2,
            ("compare_and_swap", 3) => 2,
            _ => return,
        };
        let Some(order) = order_of(args[order_at], &self.consts) else {
            return;
        };
        let Some(key) = self.key(receiver) else {
            return;
        };
        // In a loop, only a condition that leaves it takes a lock: a waiter
        // that sets a flag once inside its wait loop takes nothing.
        let taking = self.spin_condition > 0;
        let tested = self.condition > 0 && self.loops == 0;
        let take_role = if taking {
            Role::Take
        } else if tested {
            Role::TryTake
        } else {
            Role::Write
        };
        let role = match method.as_str() {
            "load" if self.spin_condition > 0 && self.equality > 0 => Role::SpinLoad,
            "load" => Role::Read,
            "compare_exchange" | "compare_exchange_weak" | "compare_and_swap" => {
                match (constant(args[0]), constant(args[1])) {
                    (Some(from), Some(to)) if to.held() && from != to => take_role,
                    // From free to an owner's id: `compare_exchange(0, me, ..)`.
                    (Some(from), None) if !from.held() => take_role,
                    _ => Role::Write,
                }
            }
            "swap" | "fetch_or" => match constant(args[0]) {
                Some(to) if to.held() => take_role,
                _ => Role::Write,
            },
            _ => Role::Write,
        };
        let func = *self.current.last().expect("a function context");
        self.ops.push(Op {
            key,
            method,
            role,
            order,
            line,
            func,
        });
    }

    /// Reads a function body in a context of its own.
    fn in_function(&mut self, read: impl FnOnce(&mut Self)) {
        self.funcs.push(Func::default());
        self.current.push(self.funcs.len() - 1);
        let saved = (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        );
        (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        ) = (0, 0, 0, 0);
        read(self);
        (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        ) = saved;
        self.current.pop();
    }

    fn condition(&mut self, spin: bool, read: impl FnOnce(&mut Self)) {
        self.condition += 1;
        self.spin_condition += usize::from(spin);
        read(self);
        self.spin_condition -= usize::from(spin);
        self.condition -= 1;
    }

    fn in_loop(&mut self, read: impl FnOnce(&mut Self)) {
        self.loops += 1;
        read(self);
        self.loops -= 1;
    }
}

/// Whether a branch leaves the loop it is in (`break`, or `return` without
/// a value: giving up a lock attempt, not answering).
#[derive(Default)]
struct Leaves(bool);

impl<'ast> Visit<'ast> for Leaves {
    fn visit_expr_break(&mut self, _: &'ast syn::ExprBreak) {
        self.0 = true;
    }
    fn visit_expr_return(&mut self, ret: &'ast syn::ExprReturn) {
        if ret.expr.is_none() {
            self.0 = true;
        }
    }
    // Another loop's `break`, or a closure's `return`, leave something else.
    fn visit_expr_loop(&mut self, _: &'ast syn::ExprLoop) {}
    fn visit_expr_while(&mut self, _: &'ast syn::ExprWhile) {}
    fn visit_expr_for_loop(&mut self, _: &'ast syn::ExprForLoop) {}
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}

fn leaves_block(block: &syn::Block) -> bool {
    let mut leaves = Leaves::default();
    leaves.visit_block(block);
    leaves.0
}

fn leaves_expr(expr: &Expr) -> bool {
    let mut leaves = Leaves::default();
    leaves.visit_expr(expr);
    leaves.0
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.in_function(|s| visit::visit_item_fn(s, item));
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.in_function(|s| visit::visit_impl_item_fn(s, item));
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.in_function(|s| visit::visit_trait_item_fn(s, item));
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        // A closure shares its function's aliases and fences, not its loops.
        let saved = (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        );
        (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        ) = (0, 0, 0, 0);
        visit::visit_expr_closure(self, closure);
        (
            self.loops,
            self.spin_condition,
            self.condition,
            self.equality,
        ) = saved;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(init) = &local.init {
            let target = self.alias_target(&init.expr);
            if let Some(order) = order_of(&init.expr, &self.consts)
                && let Pat::Ident(ident) = &local.pat
            {
                self.consts.insert(ident.ident.to_string(), order);
            }
            self.bind(&local.pat, target);
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        for attr in &expr.attrs {
            self.visit_attribute(attr);
        }
        self.condition(true, |s| s.visit_expr(&expr.cond));
        self.in_loop(|s| s.visit_block(&expr.body));
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.in_loop(|s| visit::visit_expr_loop(s, expr));
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        let target = self.alias_target(&expr.expr);
        self.visit_expr(&expr.expr);
        self.bind(&expr.pat, target);
        self.in_loop(|s| s.visit_block(&expr.body));
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        let leaves = self.loops > 0
            && (leaves_block(&expr.then_branch)
                || expr
                    .else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| leaves_expr(e)));
        self.condition(leaves, |s| s.visit_expr(&expr.cond));
        self.visit_block(&expr.then_branch);
        if let Some((_, else_branch)) = &expr.else_branch {
            self.visit_expr(else_branch);
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        let leaves = self.loops > 0 && expr.arms.iter().any(|arm| leaves_expr(&arm.body));
        self.condition(leaves, |s| s.visit_expr(&expr.expr));
        for arm in &expr.arms {
            self.visit_arm(arm);
        }
    }

    fn visit_expr_binary(&mut self, expr: &'ast syn::ExprBinary) {
        let equality = matches!(expr.op, BinOp::Eq(_) | BinOp::Ne(_));
        self.equality += usize::from(equality);
        visit::visit_expr_binary(self, expr);
        self.equality -= usize::from(equality);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.atomic_call(call);
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(p) = strip(&call.func)
            && p.path.segments.len() >= 2
            && let Some(last) = p.path.segments.last()
            && let Some((receiver, args)) = call.args.iter().collect::<Vec<_>>().split_first()
        {
            let line = last.ident.span().start().line;
            self.atomic_op(last.ident.to_string(), line, receiver, args);
        }
        if let Expr::Path(p) = strip(&call.func)
            && p.path
                .segments
                .last()
                .is_some_and(|s| s.ident == "fence" || s.ident == "compiler_fence")
            && let Some(order) = call.args.first().and_then(|a| order_of(a, &self.consts))
        {
            let is_fence = p.path.segments.last().is_some_and(|s| s.ident == "fence");
            if is_fence {
                let func = self.func();
                func.acquire_fence |= order.acquires();
                func.release_fence |= order.releases();
            }
        }
        visit::visit_expr_call(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<(usize, String)> {
        scan(text, Path::new("src/lib.rs"))
            .into_iter()
            .map(|f| (f.line, f.what))
            .collect()
    }

    fn clean(text: &str) {
        let found = findings(text);
        assert!(
            found.is_empty(),
            "flagged a right answer:\n{text}\n{found:#?}"
        );
    }

    const RELAXED_SPIN_BANK: &str = r#"
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Bank {
    locks: Vec<AtomicBool>,
    balances: Vec<UnsafeCell<u64>>,
}

unsafe impl Sync for Bank {}

impl Bank {
    fn lock(&self, account: usize) {
        while self.locks[account]
            .compare_exchange_weak(false, true, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
    }

    fn unlock(&self, account: usize) {
        self.locks[account].store(false, Ordering::Relaxed);
    }

    pub fn deposit(&self, account: usize, amount: u64) {
        self.lock(account);
        unsafe { *self.balances[account].get() += amount };
        self.unlock(account);
    }
}
"#;

    #[test]
    fn a_relaxed_spin_lock_around_an_unsafe_cell_is_found_where_it_takes_and_gives() {
        let found = findings(RELAXED_SPIN_BANK);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].0, 15);
        assert!(
            found[0].1.contains("takes the lock with Relaxed"),
            "{found:#?}"
        );
        assert!(
            found[0].1.contains("locks.compare_exchange_weak"),
            "{found:#?}"
        );
        assert_eq!(found[1].0, 23);
        assert!(
            found[1].1.contains("gives the lock back with Relaxed"),
            "{found:#?}"
        );
    }

    #[test]
    fn the_same_lock_with_acquire_and_release_or_seqcst_is_right() {
        clean(
            &RELAXED_SPIN_BANK
                .replace(
                    "Ordering::Relaxed, Ordering::Relaxed",
                    "Ordering::Acquire, Ordering::Relaxed",
                )
                .replace(
                    "store(false, Ordering::Relaxed)",
                    "store(false, Ordering::Release)",
                ),
        );
        clean(&RELAXED_SPIN_BANK.replace("Ordering::Relaxed", "Ordering::SeqCst"));
        // Only half fixed: the release still fails.
        let half = RELAXED_SPIN_BANK.replace(
            "Ordering::Relaxed, Ordering::Relaxed",
            "Ordering::Acquire, Ordering::Relaxed",
        );
        let found = findings(&half);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].1.contains("gives the lock back"));
    }

    #[test]
    fn fences_make_relaxed_operations_right() {
        clean(
            &RELAXED_SPIN_BANK
                .replace(
                    "std::hint::spin_loop();\n        }",
                    "std::hint::spin_loop();\n        }\n        std::sync::atomic::fence(Ordering::Acquire);",
                )
                .replace(
                    "self.locks[account].store(false",
                    "fence(Ordering::Release);\n        self.locks[account].store(false",
                ),
        );
    }

    #[test]
    fn every_way_to_write_a_relaxed_lock_is_found() {
        // swap in a while, imported `Relaxed`, a guard's Drop gives it back.
        let swap = r#"
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
pub struct SpinLock<T> { locked: AtomicBool, value: std::cell::UnsafeCell<T> }
pub struct Guard<'a, T> { lock: &'a SpinLock<T> }
impl<T> SpinLock<T> {
    pub fn lock(&self) -> Guard<'_, T> {
        while self.locked.swap(true, Relaxed) { std::thread::yield_now(); }
        Guard { lock: self }
    }
}
impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) { self.lock.locked.store(false, Relaxed); }
}
"#;
        assert_eq!(findings(swap).len(), 2, "{:#?}", findings(swap));
        // loop + match + break, constants, an alias, a const ordering.
        let looped = r#"
use std::sync::atomic::{AtomicU8, Ordering};
const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;
const ORDER: Ordering = Ordering::Relaxed;
pub struct L { state: AtomicU8 }
impl L {
    pub fn lock(&self) {
        let state = &self.state;
        loop {
            match state.compare_exchange(UNLOCKED, LOCKED, ORDER, Ordering::Relaxed) {
                Ok(_) => break,
                Err(_) => std::hint::spin_loop(),
            }
        }
    }
    pub fn unlock(&self) { self.state.store(UNLOCKED, ORDER); }
}
"#;
        assert_eq!(findings(looped).len(), 2, "{:#?}", findings(looped));
        // A Relaxed ticket lock: the turn is waited for with a load.
        let ticket = r#"
use std::sync::atomic::{AtomicU64, Ordering};
pub struct Ticket { next: AtomicU64, serving: AtomicU64 }
impl Ticket {
    pub fn acquire(&self) {
        let mine = self.next.fetch_add(1, Ordering::Relaxed);
        while self.serving.load(Ordering::Relaxed) != mine { std::thread::yield_now(); }
    }
    pub fn release(&self) { self.serving.fetch_add(1, Ordering::Relaxed); }
}
"#;
        let found = findings(ticket);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].1.contains("serving.load"), "{found:#?}");
        assert!(found[1].1.contains("serving.fetch_add"), "{found:#?}");
        clean(
            &ticket
                .replace("load(Ordering::Relaxed)", "load(Ordering::Acquire)")
                .replace(
                    "serving.fetch_add(1, Ordering::Relaxed)",
                    "serving.fetch_add(1, Ordering::Release)",
                ),
        );
        // A try-lock tested once, given back elsewhere.
        let try_lock = r#"
use std::sync::atomic::{AtomicBool, Ordering};
pub struct T { busy: AtomicBool }
impl T {
    pub fn try_run(&self, f: impl FnOnce()) -> bool {
        if self.busy.compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            return false;
        }
        f();
        self.busy.store(false, Ordering::Relaxed);
        true
    }
}
"#;
        assert_eq!(findings(try_lock).len(), 2, "{:#?}", findings(try_lock));
        // Written as associated functions.
        let paths = r#"
use std::sync::atomic::{AtomicBool, Ordering};
pub struct S { locked: AtomicBool }
impl S {
    pub fn lock(&self) {
        while AtomicBool::swap(&self.locked, true, Ordering::Relaxed) {}
    }
    pub fn unlock(&self) { AtomicBool::store(&self.locked, false, Ordering::Relaxed) }
}
"#;
        assert_eq!(findings(paths).len(), 2, "{:#?}", findings(paths));
        // A lock that records its owner, as a GIL might.
        let owner = r#"
use std::sync::atomic::{AtomicU64, Ordering};
const NOBODY: u64 = 0;
pub struct Gil { holder: AtomicU64 }
impl Gil {
    pub fn acquire(&self, me: u64) {
        while self.holder.compare_exchange_weak(NOBODY, me, Ordering::Relaxed, Ordering::Relaxed).is_err() {
            std::thread::yield_now();
        }
    }
    pub fn release(&self) { self.holder.store(NOBODY, Ordering::Relaxed); }
}
"#;
        assert_eq!(findings(owner).len(), 2, "{:#?}", findings(owner));
        // A lock per account through a `for`-bound or `let`-bound name.
        let aliases = r#"
use std::sync::atomic::{AtomicBool, Ordering};
pub struct B { locks: Vec<AtomicBool> }
impl B {
    pub fn with(&self, a: usize) {
        let lock = &self.locks[a];
        while lock.swap(true, Ordering::Relaxed) {}
        lock.store(false, Ordering::Relaxed);
    }
    pub fn reset(&self) {
        for lock in &self.locks { lock.store(false, Ordering::Relaxed); }
    }
}
"#;
        assert_eq!(findings(aliases).len(), 3, "{:#?}", findings(aliases));
    }

    #[test]
    fn right_answers_that_use_relaxed_on_one_variable_are_left_alone() {
        // Counters and a balance's compare-and-swap loop.
        clean(
            r#"
use std::sync::atomic::{AtomicU64, Ordering};
pub struct Bank { accounts: Vec<AtomicU64> }
impl Bank {
    pub fn deposit(&self, a: usize, amount: u64) {
        self.accounts[a].fetch_add(amount, Ordering::Relaxed);
    }
    pub fn withdraw(&self, a: usize, amount: u64) -> bool {
        let mut current = self.accounts[a].load(Ordering::Relaxed);
        loop {
            if current < amount { return false; }
            match self.accounts[a].compare_exchange_weak(
                current, current - amount, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }
    pub fn withdraw2(&self, a: usize, amount: u64) -> bool {
        loop {
            let current = self.accounts[a].load(Ordering::Relaxed);
            if current == 0 { return false; }
            if current < amount { return false; }
            if self.accounts[a]
                .compare_exchange(current, current - amount, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                return true;
            }
        }
    }
    pub fn withdraw3(&self, a: usize, amount: u64) -> bool {
        self.accounts[a]
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(amount))
            .is_ok()
    }
    pub fn balance(&self, a: usize) -> u64 { self.accounts[a].load(Ordering::Relaxed) }
}
"#,
        );
        // A GIL's drop request: a flag set by waiters, read Relaxed between
        // steps, cleared by the new holder, even with swap and CAS.
        clean(
            r#"
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
pub struct Gil { held: Mutex<bool>, turn: Condvar, drop_request: AtomicBool, asked: std::sync::atomic::AtomicU64 }
impl Gil {
    pub fn acquire(&self) {
        let mut held = self.held.lock().unwrap();
        while *held {
            let (next, waited) = self.turn.wait_timeout(held, std::time::Duration::from_millis(5)).unwrap();
            held = next;
            if waited.timed_out() {
                let _ = self.drop_request.compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed);
                if self.drop_request.compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
                    self.asked.fetch_add(1, Ordering::Relaxed);
                }
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        *held = true;
        self.drop_request.store(false, Ordering::Relaxed);
    }
    pub fn drop_requested(&self) -> bool { self.drop_request.load(Ordering::Relaxed) }
    pub fn take_request(&self) -> bool { self.drop_request.swap(false, Ordering::Relaxed) }
}
"#,
        );
        // Test-and-test-and-set: a Relaxed read while waiting is right when
        // the take itself acquires.
        clean(
            r#"
use std::sync::atomic::{AtomicBool, Ordering};
pub struct L { locked: AtomicBool }
impl L {
    pub fn lock(&self) {
        loop {
            while self.locked.load(Ordering::Relaxed) == true { std::hint::spin_loop(); }
            if self.locked
                .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                break;
            }
        }
    }
    pub fn unlock(&self) { self.locked.store(false, Ordering::Release); }
}
"#,
        );
        // A right spin GIL: Acquire/Release on the lock, the drop request a
        // Relaxed flag set by waiters inside their spin loop.
        clean(
            r#"
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
pub struct Gil { interval: Duration, locked: AtomicBool, drop_request: AtomicBool }
impl Gil {
    pub fn acquire(&self) {
        let start = Instant::now();
        while self.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            if start.elapsed() > self.interval {
                self.drop_request.store(true, Ordering::Relaxed);
            }
            std::thread::yield_now();
        }
        self.drop_request.store(false, Ordering::Relaxed);
    }
    pub fn release(&self) { self.locked.store(false, Ordering::Release); }
    pub fn drop_requested(&self) -> bool { self.drop_request.load(Ordering::Relaxed) }
    pub fn switch(&self) -> bool { self.drop_request.swap(false, Ordering::Relaxed) }
}
"#,
        );
        // A right ticket lock: the ticket counter itself may be Relaxed.
        clean(
            r#"
use std::sync::atomic::{AtomicU64, Ordering};
pub struct T { next: AtomicU64, serving: AtomicU64 }
impl T {
    pub fn acquire(&self) {
        let mine = self.next.fetch_add(1, Ordering::Relaxed);
        while self.serving.load(Ordering::Acquire) != mine { std::thread::yield_now(); }
    }
    pub fn release(&self) { self.serving.fetch_add(1, Ordering::Release); }
}
"#,
        );
        // Vec::swap and other methods that are not atomics.
        clean("fn f(v: &mut Vec<u8>) { while v.len() > 1 { v.swap(0, 1); v.pop(); } }");
        // A Mutex is a lock whose orderings are right by construction.
        clean(
            "use std::sync::Mutex;\npub struct B { a: Vec<Mutex<u64>> }\nimpl B { pub fn d(&self, i: usize, x: u64) { *self.a[i].lock().unwrap() += x; } }",
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_left_to_the_compiler() {
        assert!(findings("fn f( { while x.swap(true, Relaxed) {} }").is_empty());
    }
}
