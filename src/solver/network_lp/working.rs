//! The side columns' part of a basis: which side columns are basic, and the working matrix
//! `W` (one row per basic side column, one column per tree other than the root's, entry =
//! the side column's coefficients summed over that tree) with its inverse and the trees'
//! potential shifts `δ = W⁻¹ d`.
//!
//! Holds: [`Working`]. Dense: its order is the number of basic side columns (~120–290 at the
//! school and 4,000×1,000), rebuilt and inverted whole when the trees or the basic side
//! columns change.

use std::collections::HashMap;

/// Pivots below this (in absolute value) make the working matrix singular.
const SINGULAR: f64 = 1e-10;

#[derive(Default)]
pub(super) struct Working {
    /// Basic side columns, by row.
    sides: Vec<u32>,
    /// Per node: how many entries of basic side columns sit on it.
    touch: Vec<u32>,
    /// Tree id → column position.
    position: HashMap<u32, usize>,
    /// `W⁻¹`, row-major: row = tree position, column = side row.
    inverse: Vec<f64>,
    /// Per tree id: its potential shift (0 for the root's tree and unknown ids).
    shift: Vec<f64>,
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

    /// Rebuilds `W` over `trees` (its columns, in order) from `rows` (per basic side column:
    /// its entries as `(tree, coefficient)`, and its right-hand side `d`), inverts it and
    /// sets the shifts. False when `W` is not square or is singular.
    pub fn rebuild(&mut self, trees: &[u32], rows: &[(Vec<(u32, f64)>, f64)]) -> bool {
        let k = trees.len();
        self.shift.iter_mut().for_each(|x| *x = 0.0);
        self.position.clear();
        for (i, &t) in trees.iter().enumerate() {
            self.position.insert(t, i);
        }
        if rows.len() != k {
            return false;
        }
        if k == 0 {
            self.inverse.clear();
            return true;
        }
        let mut w = vec![0.0; k * k];
        for (r, (entries, _)) in rows.iter().enumerate() {
            for &(t, coef) in entries {
                if let Some(&c) = self.position.get(&t) {
                    w[r * k + c] += coef;
                }
            }
        }
        let Some(inverse) = invert(w, k) else {
            return false;
        };
        self.inverse = inverse;
        // δ = W⁻¹ d.
        let max_id = trees.iter().copied().max().unwrap_or(0) as usize;
        if self.shift.len() <= max_id {
            self.shift.resize(max_id + 1, 0.0);
        }
        for (c, &t) in trees.iter().enumerate() {
            let row = &self.inverse[c * k..(c + 1) * k];
            self.shift[t as usize] = row.iter().zip(rows).map(|(x, (_, d))| x * d).sum();
        }
        true
    }

    /// Solves `Wᵀ y = R`, where `R` sums the `(tree, amount)` entries per tree (the root's
    /// tree and trees outside `W` dropped): returns the nonzero `(side row, y)`.
    pub fn solve_transposed(&self, entries: impl Iterator<Item = (u32, f64)>) -> Vec<(u32, f64)> {
        let k = self.sides.len();
        if k == 0 {
            return Vec::new();
        }
        let mut sums: Vec<(usize, f64)> = Vec::new();
        for (t, x) in entries {
            if let Some(&c) = self.position.get(&t) {
                match sums.iter_mut().find(|(p, _)| *p == c) {
                    Some(slot) => slot.1 += x,
                    None => sums.push((c, x)),
                }
            }
        }
        sums.retain(|&(_, x)| x != 0.0);
        if sums.is_empty() {
            return Vec::new();
        }
        // y_r = Σ_c W⁻¹[c][r] R_c.
        let mut y = vec![0.0; k];
        for &(c, x) in &sums {
            let row = &self.inverse[c * k..(c + 1) * k];
            for (yr, w) in y.iter_mut().zip(row) {
                *yr += w * x;
            }
        }
        y.into_iter()
            .enumerate()
            .filter(|&(_, v)| v.abs() > 1e-12)
            .map(|(r, v)| (r as u32, v))
            .collect()
    }
}

/// Gauss–Jordan with partial pivoting; None when singular.
fn invert(mut a: Vec<f64>, k: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; k * k];
    for i in 0..k {
        inv[i * k + i] = 1.0;
    }
    for col in 0..k {
        let pivot_row = (col..k).max_by(|&x, &y| {
            a[x * k + col]
                .abs()
                .total_cmp(&a[y * k + col].abs())
                .then(y.cmp(&x))
        })?;
        let p = a[pivot_row * k + col];
        if p.abs() < SINGULAR {
            return None;
        }
        if pivot_row != col {
            for j in 0..k {
                a.swap(col * k + j, pivot_row * k + j);
                inv.swap(col * k + j, pivot_row * k + j);
            }
        }
        let scale = 1.0 / p;
        for j in 0..k {
            a[col * k + j] *= scale;
            inv[col * k + j] *= scale;
        }
        for r in 0..k {
            if r == col {
                continue;
            }
            let f = a[r * k + col];
            if f == 0.0 {
                continue;
            }
            for j in 0..k {
                a[r * k + j] -= f * a[col * k + j];
                inv[r * k + j] -= f * inv[col * k + j];
            }
        }
    }
    Some(inv)
}
