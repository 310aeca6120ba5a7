//! The side columns' part of a basis: which side columns are basic, and the working matrix
//! `W` (one row per basic side column, one column per tree other than the root's, entry =
//! the side column's coefficients summed over that tree) with its inverse and the trees'
//! potential shifts `δ = W⁻¹ d`.
//!
//! Holds: [`Working`]. Its order is the number of basic side columns (33–133 at the
//! school's master, up to ~320 at 4,000×1,000), and most of the master's pivots change it, so it is refactored at each
//! such pivot, sparse: each row has one entry per tree its side column touches (a student's
//! and its mentors'), so peeling singleton rows and columns off (each a pivot with no fill)
//! leaves a small core, factored dense. A dense inverse rebuilt at each change took ~1 ms a
//! pivot at the school (order 270).

/// Pivots below this (in absolute value) make the working matrix singular.
const SINGULAR: f64 = 1e-10;

#[derive(Default)]
pub(super) struct Working {
    /// Basic side columns, by row.
    sides: Vec<u32>,
    /// Per node: how many entries of basic side columns sit on it.
    touch: Vec<u32>,
    /// Tree id → column position (`usize::MAX`: none).
    position: Vec<usize>,
    /// Per tree id: its potential shift (0 for the root's tree and unknown ids).
    shift: Vec<f64>,
    factor: Factor,
}

/// `W` by rows and by columns, and its factorisation: pivots peeled off in order, then a
/// dense core.
#[derive(Default)]
struct Factor {
    k: usize,
    rows: Vec<Vec<(usize, f64)>>,
    cols: Vec<Vec<(usize, f64)>>,
    /// Row singletons, in the order peeled: `(row, column, pivot)`; solved first.
    early: Vec<(usize, usize, f64)>,
    /// Column singletons, in the order peeled; solved last, in reverse.
    late: Vec<(usize, usize, f64)>,
    core_rows: Vec<usize>,
    core_cols: Vec<usize>,
    /// The core's LU (row-major, unit lower part implied), with its row order.
    core_lu: Vec<f64>,
    core_perm: Vec<usize>,
    /// Work arrays of [`Factor::factor`], kept between factorisations (one per structural
    /// pivot: allocating them afresh each time was a share of the refactor's cost).
    scratch: Scratch,
}

/// See [`Factor::scratch`].
#[derive(Default)]
struct Scratch {
    row_live: Vec<bool>,
    col_live: Vec<bool>,
    row_count: Vec<usize>,
    col_count: Vec<usize>,
    row_stack: Vec<usize>,
    col_stack: Vec<usize>,
    at: Vec<usize>,
}

impl Working {
    pub fn sides(&self) -> &[u32] {
        &self.sides
    }

    /// The shift of tree `t`'s potentials.
    pub fn shift(&self, t: u32) -> f64 {
        self.shift.get(t as usize).copied().unwrap_or(0.0)
    }

    /// Whether a basic side column has an entry on `node`.
    pub fn touches(&self, node: u32) -> bool {
        self.touch.get(node as usize).is_some_and(|&c| c > 0)
    }

    fn count(&mut self, s: u32, nodes: &[u32], start: &[usize], by: i32) {
        for &node in &nodes[start[s as usize]..start[s as usize + 1]] {
            let n = node as usize;
            if self.touch.len() <= n {
                self.touch.resize(n + 1, 0);
            }
            self.touch[n] = (self.touch[n] as i32 + by) as u32;
        }
    }

    pub fn add_side(&mut self, s: u32, nodes: &[u32], start: &[usize]) {
        self.sides.push(s);
        self.count(s, nodes, start, 1);
    }

    pub fn remove_side(&mut self, row: usize, nodes: &[u32], start: &[usize]) {
        let s = self.sides.swap_remove(row);
        self.count(s, nodes, start, -1);
    }

    pub fn replace_side(&mut self, row: usize, s: u32, nodes: &[u32], start: &[usize]) {
        let old = self.sides[row];
        self.count(old, nodes, start, -1);
        self.sides[row] = s;
        self.count(s, nodes, start, 1);
    }

    /// Rebuilds `W` over `trees` (its columns, in order) from one row per basic side column:
    /// row `r`'s entries `entries[starts[r]..starts[r + 1]]` as `(tree, coefficient)`, its
    /// right-hand side `d[r]`; factors it and sets the shifts. False when `W` is not square
    /// or is singular.
    pub fn rebuild(
        &mut self,
        trees: &[u32],
        entries: &[(u32, f64)],
        starts: &[usize],
        d: &[f64],
    ) -> bool {
        let k = trees.len();
        self.shift.iter_mut().for_each(|x| *x = 0.0);
        for p in self.position.iter_mut() {
            *p = usize::MAX;
        }
        let max_id = trees.iter().copied().max().unwrap_or(0) as usize;
        if self.position.len() <= max_id {
            self.position.resize(max_id + 1, usize::MAX);
        }
        for (i, &t) in trees.iter().enumerate() {
            self.position[t as usize] = i;
        }
        if d.len() != k {
            return false;
        }
        let factor = &mut self.factor;
        factor.rows.resize_with(k, Vec::new);
        for (r, row) in factor.rows.iter_mut().enumerate() {
            row.clear();
            for &(t, coef) in &entries[starts[r]..starts[r + 1]] {
                let c = self.position.get(t as usize).copied().unwrap_or(usize::MAX);
                if c == usize::MAX {
                    continue;
                }
                match row.iter_mut().find(|(col, _)| *col == c) {
                    Some(slot) => slot.1 += coef,
                    None => row.push((c, coef)),
                }
            }
            row.retain(|&(_, x)| x != 0.0);
        }
        if !self.factor.factor(k) {
            return false;
        }
        self.set_shifts(trees, d);
        true
    }

    /// The shifts for a new right-hand side `d` with `W` as last factored (the same trees and
    /// basic side columns): after a pivot within a tree, which moves potentials but no tree's
    /// set of nodes.
    pub fn reshift(&mut self, trees: &[u32], d: &[f64]) -> bool {
        if d.len() != trees.len() || self.factor.rows.len() != trees.len() {
            return false;
        }
        self.set_shifts(trees, d);
        true
    }

    /// `δ = W⁻¹ d`, onto the trees' ids.
    fn set_shifts(&mut self, trees: &[u32], d: &[f64]) {
        if trees.is_empty() {
            return;
        }
        let delta = self.factor.solve(d);
        let max_id = trees.iter().copied().max().unwrap_or(0) as usize;
        if self.shift.len() <= max_id {
            self.shift.resize(max_id + 1, 0.0);
        }
        for (c, &t) in trees.iter().enumerate() {
            self.shift[t as usize] = delta[c];
        }
    }

    /// The order of the dense core of the last factorisation.
    pub fn core_order(&self) -> usize {
        self.factor.core()
    }

    /// Solves `Wᵀ y = R`, where `R` sums the `(tree, amount)` entries per tree (the root's
    /// tree and trees outside `W` dropped): returns the nonzero `(side row, y)`.
    pub fn solve_transposed(&self, entries: impl Iterator<Item = (u32, f64)>) -> Vec<(u32, f64)> {
        let k = self.sides.len();
        if k == 0 {
            return Vec::new();
        }
        let mut sums = vec![0.0; k];
        let mut any = false;
        for (t, x) in entries {
            let c = self.position.get(t as usize).copied().unwrap_or(usize::MAX);
            if c != usize::MAX {
                sums[c] += x;
                any = true;
            }
        }
        if !any || sums.iter().all(|&x| x == 0.0) {
            return Vec::new();
        }
        let y = self.factor.solve_transposed(&sums);
        y.into_iter()
            .enumerate()
            .filter(|&(_, v)| v.abs() > 1e-12)
            .map(|(r, v)| (r as u32, v))
            .collect()
    }
}

impl Factor {
    /// Factors `self.rows` (square, `k` by `k`): false when singular.
    fn factor(&mut self, k: usize) -> bool {
        self.k = k;
        self.early.clear();
        self.late.clear();
        self.core_rows.clear();
        self.core_cols.clear();
        self.core_lu.clear();
        self.core_perm.clear();
        self.cols.resize_with(k, Vec::new);
        self.cols.iter_mut().for_each(Vec::clear);
        for (r, row) in self.rows.iter().enumerate() {
            for &(c, x) in row {
                self.cols[c].push((r, x));
            }
        }
        if k == 0 {
            return true;
        }
        let Scratch {
            row_live,
            col_live,
            row_count,
            col_count,
            row_stack,
            col_stack,
            at,
        } = &mut self.scratch;
        row_live.clear();
        row_live.resize(k, true);
        col_live.clear();
        col_live.resize(k, true);
        row_count.clear();
        row_count.extend(self.rows.iter().map(Vec::len));
        col_count.clear();
        col_count.extend(self.cols.iter().map(Vec::len));
        if row_count.contains(&0) || col_count.contains(&0) {
            return false;
        }
        row_stack.clear();
        row_stack.extend((0..k).rev().filter(|&r| row_count[r] == 1));
        col_stack.clear();
        col_stack.extend((0..k).rev().filter(|&c| col_count[c] == 1));
        loop {
            if let Some(r) = row_stack.pop() {
                if !row_live[r] || row_count[r] != 1 {
                    if row_live[r] && row_count[r] == 0 {
                        return false;
                    }
                    continue;
                }
                let Some(&(c, x)) = self.rows[r].iter().find(|&&(c, _)| col_live[c]) else {
                    return false;
                };
                if x.abs() < SINGULAR {
                    return false;
                }
                self.early.push((r, c, x));
                row_live[r] = false;
                col_live[c] = false;
                for &(r2, _) in &self.cols[c] {
                    if row_live[r2] {
                        row_count[r2] -= 1;
                        if row_count[r2] <= 1 {
                            row_stack.push(r2);
                        }
                    }
                }
                continue;
            }
            if let Some(c) = col_stack.pop() {
                if !col_live[c] || col_count[c] != 1 {
                    if col_live[c] && col_count[c] == 0 {
                        return false;
                    }
                    continue;
                }
                let Some(&(r, x)) = self.cols[c].iter().find(|&&(r, _)| row_live[r]) else {
                    return false;
                };
                if x.abs() < SINGULAR {
                    return false;
                }
                self.late.push((r, c, x));
                row_live[r] = false;
                col_live[c] = false;
                for &(c2, _) in &self.rows[r] {
                    if col_live[c2] {
                        col_count[c2] -= 1;
                        if col_count[c2] <= 1 {
                            col_stack.push(c2);
                        }
                    }
                }
                // The row's own count drops with its column: rows of column `c` other than
                // `r` are no longer live, so nothing else changes.
                continue;
            }
            break;
        }
        self.core_rows = (0..k).filter(|&r| row_live[r]).collect();
        self.core_cols = (0..k).filter(|&c| col_live[c]).collect();
        let m = self.core_rows.len();
        if m != self.core_cols.len() {
            return false;
        }
        if m == 0 {
            return true;
        }
        at.clear();
        at.resize(k, usize::MAX);
        for (i, &c) in self.core_cols.iter().enumerate() {
            at[c] = i;
        }
        let mut a = vec![0.0; m * m];
        for (i, &r) in self.core_rows.iter().enumerate() {
            for &(c, x) in &self.rows[r] {
                if at[c] != usize::MAX {
                    a[i * m + at[c]] += x;
                }
            }
        }
        let mut perm: Vec<usize> = (0..m).collect();
        for j in 0..m {
            let p = (j..m)
                .max_by(|&x, &y| {
                    a[x * m + j]
                        .abs()
                        .total_cmp(&a[y * m + j].abs())
                        .then(y.cmp(&x))
                })
                .unwrap_or(j);
            if a[p * m + j].abs() < SINGULAR {
                return false;
            }
            if p != j {
                for q in 0..m {
                    a.swap(j * m + q, p * m + q);
                }
                perm.swap(j, p);
            }
            let pivot = a[j * m + j];
            for i in j + 1..m {
                let f = a[i * m + j] / pivot;
                if f == 0.0 {
                    continue;
                }
                a[i * m + j] = f;
                for q in j + 1..m {
                    a[i * m + q] -= f * a[j * m + q];
                }
            }
        }
        self.core_lu = a;
        self.core_perm = perm;
        true
    }

    /// `W x = b` (`b` by row, `x` by column).
    fn solve(&self, b: &[f64]) -> Vec<f64> {
        let mut x = vec![0.0; self.k];
        let row_rest = |r: usize, skip: usize, x: &[f64]| -> f64 {
            self.rows[r]
                .iter()
                .filter(|&&(c, _)| c != skip)
                .map(|&(c, v)| v * x[c])
                .sum()
        };
        for &(r, c, p) in &self.early {
            x[c] = (b[r] - row_rest(r, c, &x)) / p;
        }
        let m = self.core_rows.len();
        if m > 0 {
            // Core rows, less their early columns' part (core columns are still 0 in x).
            let mut rhs: Vec<f64> = self
                .core_rows
                .iter()
                .map(|&r| b[r] - row_rest(r, usize::MAX, &x))
                .collect();
            rhs = self.core_perm.iter().map(|&i| rhs[i]).collect();
            let a = &self.core_lu;
            for i in 0..m {
                for q in 0..i {
                    rhs[i] -= a[i * m + q] * rhs[q];
                }
            }
            for i in (0..m).rev() {
                for q in i + 1..m {
                    rhs[i] -= a[i * m + q] * rhs[q];
                }
                rhs[i] /= a[i * m + i];
            }
            for (i, &c) in self.core_cols.iter().enumerate() {
                x[c] = rhs[i];
            }
        }
        for &(r, c, p) in self.late.iter().rev() {
            x[c] = (b[r] - row_rest(r, c, &x)) / p;
        }
        x
    }

    /// `Wᵀ y = c` (`c` by column, `y` by row).
    fn solve_transposed(&self, c: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; self.k];
        let col_rest = |col: usize, skip: usize, y: &[f64]| -> f64 {
            self.cols[col]
                .iter()
                .filter(|&&(r, _)| r != skip)
                .map(|&(r, v)| v * y[r])
                .sum()
        };
        for &(r, col, p) in &self.late {
            y[r] = (c[col] - col_rest(col, r, &y)) / p;
        }
        let m = self.core_rows.len();
        if m > 0 {
            let mut rhs: Vec<f64> = self
                .core_cols
                .iter()
                .map(|&col| c[col] - col_rest(col, usize::MAX, &y))
                .collect();
            // (P A)ᵀ z = rhs with P A = L U: Uᵀ w = rhs, Lᵀ v = w, then y_core = Pᵀ v.
            let a = &self.core_lu;
            for i in 0..m {
                for q in 0..i {
                    rhs[i] -= a[q * m + i] * rhs[q];
                }
                rhs[i] /= a[i * m + i];
            }
            for i in (0..m).rev() {
                for q in i + 1..m {
                    rhs[i] -= a[q * m + i] * rhs[q];
                }
            }
            for (i, &p) in self.core_perm.iter().enumerate() {
                y[self.core_rows[p]] = rhs[i];
            }
        }
        for &(r, col, p) in self.early.iter().rev() {
            y[r] = (c[col] - col_rest(col, r, &y)) / p;
        }
        y
    }

    /// The core's order (for measurements).
    fn core(&self) -> usize {
        self.core_rows.len()
    }
}
