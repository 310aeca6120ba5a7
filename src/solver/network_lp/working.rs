//! The side columns' part of a basis: which side columns are basic, and the working matrix
//! `W` (one row per basic side column, one column per tree other than the root's, entry =
//! the side column's coefficients summed over that tree) with its factors and the trees'
//! potential shifts `δ = W⁻¹ d`.
//!
//! Holds: [`Working`]. Its order is the number of basic side columns (33–133 at the
//! school's master, up to ~320 at 4,000×1,000, ~1,000–1,500 at the district), and most of
//! the master's pivots change it. `W` is block diagonal after a permutation: a side column
//! touches only its own student's tree and its mentors' trees, and measured at the district
//! the ~1,000 rows fall into ~600–1,300 blocks, most of one to five rows, the largest
//! 20–250. So `W` is kept as its blocks (the connected parts of the rows-and-trees graph),
//! each factored on its own: a pivot refactors only the blocks whose rows or trees it
//! changed ([`Working::update`]), and a solve touches only the blocks its right-hand side
//! has entries in. Before (one factorisation of the whole of `W` at each such pivot) the
//! district's coverage tiers spent ~1.9 s of their ~2.5 s there.
//!
//! Each block is factored sparse: each row has one entry per tree its side column touches,
//! so peeling singleton rows and columns off (each a pivot with no fill) leaves a small core,
//! factored dense. A block's rows and trees are taken in ascending order, so the blocks, their
//! factors and the shifts are the same, bit for bit, whether built by a full rebuild or by
//! updates (the unit tests check it at every pivot).

/// Pivots below this (in absolute value) make the working matrix singular.
const SINGULAR: f64 = 1e-10;

/// No block, no row (an index's "none").
const NO: u32 = u32::MAX;

#[derive(Default)]
pub(super) struct Working {
    /// Basic side columns, by row.
    sides: Vec<u32>,
    /// Per node: the basic side columns with an entry on it.
    node_sides: Vec<Vec<u32>>,
    /// Per side column: its row while basic, else [`NO`].
    row_of: Vec<u32>,
    /// Per row: its entries over the trees and its right-hand side.
    rows: Vec<Row>,
    /// Per tree id: its block ([`NO`]: none; the root's tree is never in one).
    tree_block: Vec<u32>,
    /// Per tree id: its potential shift (0 for the root's tree and unknown ids).
    shift: Vec<f64>,
    blocks: Vec<Block>,
    free_blocks: Vec<u32>,
    /// Blocks a row change has made stale, for the next [`Working::update`].
    stale: Vec<u32>,
    /// Scratch of [`Working::form_blocks`], per tree id ([`NO`] between calls).
    at_tree: Vec<u32>,
    /// The work of every refactorisation so far ([`Working::work`]).
    work: u64,
}

/// One row of `W`: a basic side column's entries summed per tree (the root's tree left out,
/// zero sums dropped), sorted by tree, and its right-hand side.
#[derive(Default)]
struct Row {
    entries: Vec<(u32, f64)>,
    d: f64,
    block: u32,
}

/// One diagonal block of `W`: its rows and trees (ascending), factored.
#[derive(Default)]
struct Block {
    rows: Vec<u32>,
    trees: Vec<u32>,
    factor: Factor,
    live: bool,
}

/// What a pivot changed, for [`Working::update`]: every row whose entries or right-hand
/// side moved, with their new values, and the trees whose sets of nodes changed.
pub(super) struct Change {
    pub rows: Vec<RowData>,
    /// Tree ids made, freed or resized by the pivot.
    pub trees: Vec<u32>,
}

/// A row of `W` as the trees now make it.
pub(super) struct RowData {
    pub row: u32,
    /// Its side column's `(tree, coefficient)`, one per node.
    pub entries: Vec<(u32, f64)>,
    /// Its right-hand side.
    pub d: f64,
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
        self.node_sides
            .get(node as usize)
            .is_some_and(|v| !v.is_empty())
    }

    /// The rows of the basic side columns with an entry on any of `nodes`, ascending.
    pub fn rows_on(&self, nodes: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = nodes
            .iter()
            .filter_map(|&n| self.node_sides.get(n as usize))
            .flatten()
            .map(|&s| self.row_of[s as usize])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn track(&mut self, s: u32, nodes: &[u32], start: &[usize], add: bool) {
        for &node in &nodes[start[s as usize]..start[s as usize + 1]] {
            let n = node as usize;
            if self.node_sides.len() <= n {
                self.node_sides.resize_with(n + 1, Vec::new);
            }
            let list = &mut self.node_sides[n];
            if add {
                if !list.contains(&s) {
                    list.push(s);
                }
            } else if let Some(at) = list.iter().position(|&x| x == s) {
                list.swap_remove(at);
            }
        }
    }

    fn set_row_of(&mut self, s: u32, row: u32) {
        if self.row_of.len() <= s as usize {
            self.row_of.resize(s as usize + 1, NO);
        }
        self.row_of[s as usize] = row;
    }

    fn mark_stale(&mut self, block: u32) {
        if block != NO {
            self.stale.push(block);
        }
    }

    /// Side column `s` joins the basis as a new last row, returned; its entries come with the
    /// next [`Working::update`].
    pub fn add_side(&mut self, s: u32, nodes: &[u32], start: &[usize]) -> u32 {
        let row = self.sides.len() as u32;
        self.set_row_of(s, row);
        self.sides.push(s);
        self.rows.push(Row {
            block: NO,
            ..Row::default()
        });
        self.track(s, nodes, start, true);
        row
    }

    /// The side column of `row` leaves the basis; the last row takes its place.
    pub fn remove_side(&mut self, row: usize, nodes: &[u32], start: &[usize]) {
        let last = self.sides.len() - 1;
        let s = self.sides.swap_remove(row);
        let gone = self.rows.swap_remove(row);
        self.set_row_of(s, NO);
        self.track(s, nodes, start, false);
        self.mark_stale(gone.block);
        if gone.block != NO {
            let b = &mut self.blocks[gone.block as usize];
            b.rows.retain(|&r| r as usize != row);
        }
        if row < last {
            // The last row is now `row`: its block's list follows, and the block is rebuilt
            // (its rows' order changed).
            let moved = self.sides[row];
            self.set_row_of(moved, row as u32);
            let block = self.rows[row].block;
            self.mark_stale(block);
            if block != NO {
                for r in &mut self.blocks[block as usize].rows {
                    if *r as usize == last {
                        *r = row as u32;
                    }
                }
            }
        }
    }

    /// Side column `s` takes `row`'s place; its entries come with the next
    /// [`Working::update`].
    pub fn replace_side(&mut self, row: usize, s: u32, nodes: &[u32], start: &[usize]) {
        let old = self.sides[row];
        self.track(old, nodes, start, false);
        self.set_row_of(old, NO);
        self.sides[row] = s;
        self.set_row_of(s, row as u32);
        self.track(s, nodes, start, true);
        let block = self.rows[row].block;
        self.mark_stale(block);
    }

    /// Rebuilds every block from scratch over the live trees `trees`, each row's entries and
    /// right-hand side given in `change` (every row, in order): factors them and sets the
    /// shifts. False when `W` is not square or is singular.
    pub fn rebuild(&mut self, trees: &[u32], change: Change) -> bool {
        for b in 0..self.blocks.len() {
            if self.blocks[b].live {
                self.free_block(b as u32);
            }
        }
        self.stale.clear();
        self.shift.iter_mut().for_each(|x| *x = 0.0);
        self.tree_block.iter_mut().for_each(|x| *x = NO);
        let Change { rows, .. } = change;
        if rows.len() != self.rows.len() {
            return false;
        }
        for row in rows {
            self.install(row.row, &row.entries, row.d);
        }
        let all_rows: Vec<u32> = (0..self.rows.len() as u32).collect();
        let mut trees = trees.to_vec();
        trees.sort_unstable();
        self.form_blocks(all_rows, trees)
    }

    /// Brings the blocks a pivot touched up to date (see [`Change`]), with `live` telling
    /// which tree ids are in use: every other block, its factors and its shifts stand as
    /// they are. False when `W` is not square or is singular.
    ///
    /// Why the rest may stand: a row's entries and right-hand side depend only on the trees
    /// and own potentials of its side column's nodes, so a row on no moved node is as it was;
    /// and every row sits in the block of each tree it has an entry on. The blocks rebuilt
    /// are those of the changed rows (before and after the change), of their trees, of the
    /// changed trees, and those a row change made stale; their rows and trees, split again
    /// into connected parts, are the new blocks.
    pub fn update(&mut self, change: Change, live: impl Fn(u32) -> bool) -> bool {
        let mut dirty = std::mem::take(&mut self.stale);
        for row in &change.rows {
            dirty.push(self.rows[row.row as usize].block);
        }
        for &t in &change.trees {
            dirty.push(self.tree_block.get(t as usize).copied().unwrap_or(NO));
        }
        for row in &change.rows {
            self.install(row.row, &row.entries, row.d);
        }
        for row in &change.rows {
            for &(t, _) in &self.rows[row.row as usize].entries {
                dirty.push(self.tree_block.get(t as usize).copied().unwrap_or(NO));
            }
        }
        dirty.retain(|&b| b != NO);
        dirty.sort_unstable();
        dirty.dedup();
        let mut rows: Vec<u32> = change.rows.iter().map(|row| row.row).collect();
        let mut trees: Vec<u32> = change.trees.clone();
        for &b in &dirty {
            let block = &self.blocks[b as usize];
            rows.extend_from_slice(&block.rows);
            trees.extend_from_slice(&block.trees);
        }
        for &b in &dirty {
            self.free_block(b);
        }
        rows.sort_unstable();
        rows.dedup();
        for &r in &rows {
            trees.extend(self.rows[r as usize].entries.iter().map(|&(t, _)| t));
        }
        trees.retain(|&t| t != 0 && live(t));
        trees.sort_unstable();
        trees.dedup();
        self.form_blocks(rows, trees)
    }

    /// Row `r`'s entries (`(tree, coefficient)` per node) summed per tree, the root's tree
    /// and zero sums dropped, and its right-hand side.
    fn install(&mut self, r: u32, entries: &[(u32, f64)], d: f64) {
        let row = &mut self.rows[r as usize];
        row.entries.clear();
        row.entries
            .extend(entries.iter().copied().filter(|&(t, _)| t != 0));
        row.entries.sort_by_key(|&(t, _)| t);
        let mut kept = 0;
        for i in 0..row.entries.len() {
            if kept > 0 && row.entries[kept - 1].0 == row.entries[i].0 {
                row.entries[kept - 1].1 += row.entries[i].1;
            } else {
                row.entries[kept] = row.entries[i];
                kept += 1;
            }
        }
        row.entries.truncate(kept);
        row.entries.retain(|&(_, x)| x != 0.0);
        row.d = d;
    }

    fn free_block(&mut self, b: u32) {
        let block = &mut self.blocks[b as usize];
        if !block.live {
            return;
        }
        block.live = false;
        for &t in &block.trees {
            if let Some(x) = self.tree_block.get_mut(t as usize) {
                *x = NO;
            }
            if let Some(x) = self.shift.get_mut(t as usize) {
                *x = 0.0;
            }
        }
        for &r in &block.rows {
            if let Some(row) = self.rows.get_mut(r as usize) {
                row.block = NO;
            }
        }
        self.free_blocks.push(b);
    }

    /// Splits `rows` and `trees` (ascending; every tree a row of them has an entry on is
    /// among `trees`) into blocks, factors each and sets its trees' shifts. False when a block
    /// is not square (a tree with no row, say) or is singular.
    fn form_blocks(&mut self, rows: Vec<u32>, trees: Vec<u32>) -> bool {
        let max_tree = trees.iter().copied().max().map_or(0, |t| t as usize + 1);
        if self.tree_block.len() < max_tree {
            self.tree_block.resize(max_tree, NO);
        }
        if self.shift.len() < max_tree {
            self.shift.resize(max_tree, 0.0);
        }
        // Union-find over rows (0..n) and trees (n..n + m), by local index.
        let n = rows.len();
        let at_tree = &mut self.at_tree;
        if at_tree.len() < max_tree {
            at_tree.resize(max_tree, NO);
        }
        for (i, &t) in trees.iter().enumerate() {
            at_tree[t as usize] = (n + i) as u32;
        }
        let mut parent: Vec<usize> = (0..n + trees.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let mut known = true;
        self.work += (n + trees.len()) as u64;
        for (i, &r) in rows.iter().enumerate() {
            self.work += self.rows[r as usize].entries.len() as u64;
            for &(t, _) in &self.rows[r as usize].entries {
                let j = at_tree.get(t as usize).copied().unwrap_or(NO);
                if j == NO {
                    known = false;
                    continue;
                }
                let (a, b) = (find(&mut parent, i), find(&mut parent, j as usize));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        for &t in &trees {
            at_tree[t as usize] = NO;
        }
        if !known {
            return false;
        }
        // Blocks in order of their first member: rows and trees stay ascending in each.
        let mut block_of: Vec<u32> = vec![NO; n + trees.len()];
        let mut made: Vec<u32> = Vec::new();
        for x in 0..n + trees.len() {
            let root = find(&mut parent, x);
            if block_of[root] == NO {
                let b = self.new_block();
                block_of[root] = b;
                made.push(b);
            }
            let b = block_of[root];
            if x < n {
                self.blocks[b as usize].rows.push(rows[x]);
                self.rows[rows[x] as usize].block = b;
            } else {
                let t = trees[x - n];
                self.blocks[b as usize].trees.push(t);
                self.tree_block[t as usize] = b;
            }
        }
        let mut ok = true;
        for b in made {
            ok &= self.factor_block(b);
        }
        ok
    }

    fn new_block(&mut self) -> u32 {
        let b = match self.free_blocks.pop() {
            Some(b) => b,
            None => {
                self.blocks.push(Block::default());
                (self.blocks.len() - 1) as u32
            }
        };
        let block = &mut self.blocks[b as usize];
        block.rows.clear();
        block.trees.clear();
        block.live = true;
        b
    }

    /// Factors block `b` and sets its trees' shifts. False when it is not square or is
    /// singular.
    fn factor_block(&mut self, b: u32) -> bool {
        let Working {
            blocks,
            rows,
            shift,
            ..
        } = self;
        let block = &mut blocks[b as usize];
        let k = block.rows.len();
        if block.trees.len() != k {
            return false;
        }
        let factor = &mut block.factor;
        factor.rows.resize_with(k, Vec::new);
        for (i, &r) in block.rows.iter().enumerate() {
            let out = &mut factor.rows[i];
            out.clear();
            for &(t, x) in &rows[r as usize].entries {
                // Both lists are ascending: the tree's column by binary search.
                let Ok(c) = block.trees.binary_search(&t) else {
                    return false;
                };
                out.push((c, x));
            }
        }
        if !factor.factor(k) {
            return false;
        }
        let core = factor.core() as u64;
        self.work += core * core * core / 3;
        let d: Vec<f64> = block.rows.iter().map(|&r| rows[r as usize].d).collect();
        let delta = factor.solve(&d);
        for (c, &t) in block.trees.iter().enumerate() {
            shift[t as usize] = delta[c];
        }
        true
    }

    /// New right-hand sides for `rows_d` (`(row, d)`) with `W` as last factored (the same
    /// trees and basic side columns): after a pivot within a tree, which moves potentials but
    /// no tree's set of nodes. Only the blocks of those rows are solved again.
    pub fn reshift(&mut self, rows_d: &[(u32, f64)]) -> bool {
        let mut blocks: Vec<u32> = Vec::with_capacity(rows_d.len());
        for &(r, d) in rows_d {
            let Some(row) = self.rows.get_mut(r as usize) else {
                return false;
            };
            row.d = d;
            if row.block == NO {
                return false;
            }
            blocks.push(row.block);
        }
        blocks.sort_unstable();
        blocks.dedup();
        for b in blocks {
            let block = &self.blocks[b as usize];
            let d: Vec<f64> = block
                .rows
                .iter()
                .map(|&r| self.rows[r as usize].d)
                .collect();
            let delta = block.factor.solve(&d);
            for (c, &t) in block.trees.iter().enumerate() {
                self.shift[t as usize] = delta[c];
            }
        }
        true
    }

    /// The work of every refactorisation so far, in entries: each block formed counts its
    /// rows, trees and entries, and its dense core `c³/3` more (its elimination). A count,
    /// not a clock: the same on every run.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// The summed order of the blocks' dense cores, as last factored (what one factorisation
    /// of the whole of `W` would have left dense: peeling works block by block).
    pub fn core_order(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| b.live)
            .map(|b| b.factor.core())
            .sum()
    }

    /// Solves `Wᵀ y = R`, where `R` sums the `(tree, amount)` entries per tree (the root's
    /// tree and trees outside `W` dropped): returns the nonzero `(side row, y)`, by row.
    pub fn solve_transposed(&self, entries: impl Iterator<Item = (u32, f64)>) -> Vec<(u32, f64)> {
        if self.sides.is_empty() {
            return Vec::new();
        }
        let mut sums: Vec<(u32, u32, f64)> = entries
            .filter_map(|(t, x)| {
                let b = self.tree_block.get(t as usize).copied().unwrap_or(NO);
                (b != NO).then_some((b, t, x))
            })
            .collect();
        if sums.is_empty() {
            return Vec::new();
        }
        sums.sort_by_key(|&(b, t, _)| (b, t));
        let mut out: Vec<(u32, f64)> = Vec::new();
        let mut i = 0;
        while i < sums.len() {
            let b = sums[i].0;
            let block = &self.blocks[b as usize];
            let mut c = vec![0.0; block.trees.len()];
            while i < sums.len() && sums[i].0 == b {
                let (_, t, x) = sums[i];
                if let Ok(col) = block.trees.binary_search(&t) {
                    c[col] += x;
                }
                i += 1;
            }
            if c.iter().all(|&x| x == 0.0) {
                continue;
            }
            let y = block.factor.solve_transposed(&c);
            out.extend(
                y.into_iter()
                    .enumerate()
                    .filter(|&(_, v)| v.abs() > 1e-12)
                    .map(|(i, v)| (block.rows[i], v)),
            );
        }
        out.sort_unstable_by_key(|&(r, _)| r);
        out
    }
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
