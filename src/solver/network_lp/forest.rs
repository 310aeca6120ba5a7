//! The network part of a basis: a spanning forest over the nodes and the root, one tree per
//! component, with each node's own potential (zero at its tree's root), depth and tree.
//!
//! Holds: [`Forest`] and the tree surgery a pivot needs (cut a subtree, rehang it on another
//! arc, make it a tree of its own, join two trees), plus [`Forest::route_up`], which sends
//! node amounts up their trees, the tree half of every column's representation.
//!
//! Why children lists and not a thread (as LEMON's network simplex keeps): a pivot here may
//! cut a subtree without rehanging it and join trees whole, and doubly linked children make
//! each of those a constant-time unlink plus one walk of the moved part.

use std::collections::BinaryHeap;

/// No node, no arc.
pub(super) const NONE: u32 = u32::MAX;

/// The spanning forest (see module doc). Node `len − 1` is the root, the only member of the
/// root's tree (tree 0) with no parent.
pub(super) struct Forest {
    pub parent: Vec<u32>,
    /// The basic arc to the parent.
    pub pred: Vec<u32>,
    pub depth: Vec<u32>,
    /// The node's tree (0 is the root's).
    pub comp: Vec<u32>,
    /// The node's own potential: zero at its tree's root, `π(tail) = cost + π(head)` along
    /// each tree arc.
    pub pot: Vec<f64>,
    first_child: Vec<u32>,
    next_sibling: Vec<u32>,
    prev_sibling: Vec<u32>,
    /// Per tree id: its root (NONE when the id is free) and its node count.
    tree_root: Vec<u32>,
    tree_size: Vec<u32>,
    free_ids: Vec<u32>,
    /// Live tree ids other than 0, in the order they were made (the working matrix's
    /// columns follow it).
    live: Vec<u32>,
    /// Scratch for `route_up`.
    amount: Vec<f64>,
    queued: Vec<bool>,
}

impl Forest {
    /// `len` nodes, the last the root, none linked yet.
    pub fn new(len: usize) -> Forest {
        let root = (len - 1) as u32;
        let mut comp = vec![0; len];
        comp[root as usize] = 0;
        Forest {
            parent: vec![NONE; len],
            pred: vec![NONE; len],
            depth: vec![0; len],
            comp,
            pot: vec![0.0; len],
            first_child: vec![NONE; len],
            next_sibling: vec![NONE; len],
            prev_sibling: vec![NONE; len],
            tree_root: vec![root],
            tree_size: vec![len as u32],
            free_ids: Vec::new(),
            live: Vec::new(),
            amount: vec![0.0; len],
            queued: vec![false; len],
        }
    }

    /// The live trees other than the root's, in the working matrix's column order.
    pub fn live_trees(&self) -> &[u32] {
        &self.live
    }

    /// The roots of [`Forest::trees`].
    pub fn tree_roots(&self) -> Vec<u32> {
        self.live
            .iter()
            .map(|&t| self.tree_root[t as usize])
            .collect()
    }

    fn add_child(&mut self, parent: u32, child: u32) {
        let first = self.first_child[parent as usize];
        self.next_sibling[child as usize] = first;
        self.prev_sibling[child as usize] = NONE;
        if first != NONE {
            self.prev_sibling[first as usize] = child;
        }
        self.first_child[parent as usize] = child;
    }

    fn remove_child(&mut self, parent: u32, child: u32) {
        let prev = self.prev_sibling[child as usize];
        let next = self.next_sibling[child as usize];
        if prev != NONE {
            self.next_sibling[prev as usize] = next;
        } else {
            self.first_child[parent as usize] = next;
        }
        if next != NONE {
            self.prev_sibling[next as usize] = prev;
        }
        self.prev_sibling[child as usize] = NONE;
        self.next_sibling[child as usize] = NONE;
    }

    /// Hangs `child` (a tree root) under `parent` by `arc` (potentials not refreshed).
    pub fn link(&mut self, child: u32, parent: u32, arc: u32) {
        self.parent[child as usize] = parent;
        self.pred[child as usize] = arc;
        self.add_child(parent, child);
    }

    /// Cuts `v` from its parent: it becomes the root of its subtree (tree ids unchanged).
    fn cut(&mut self, v: u32) {
        let p = self.parent[v as usize];
        if p != NONE {
            self.remove_child(p, v);
        }
        self.parent[v as usize] = NONE;
        self.pred[v as usize] = NONE;
    }

    /// Makes `r` the root of its (cut-off or whole) tree by reversing the path to the old root.
    fn reroot(&mut self, r: u32) {
        let mut child = r;
        let mut new_parent = NONE;
        let mut new_arc = NONE;
        loop {
            let old_parent = self.parent[child as usize];
            let old_arc = self.pred[child as usize];
            if old_parent != NONE {
                self.remove_child(old_parent, child);
            }
            self.parent[child as usize] = new_parent;
            self.pred[child as usize] = new_arc;
            if new_parent != NONE {
                self.add_child(new_parent, child);
            }
            if old_parent == NONE {
                break;
            }
            new_parent = child;
            new_arc = old_arc;
            child = old_parent;
        }
    }

    /// Whether `x` lies in the subtree of `v`.
    pub fn is_below(&self, mut x: u32, v: u32) -> bool {
        let d = self.depth[v as usize];
        while self.depth[x as usize] > d {
            x = self.parent[x as usize];
        }
        x == v
    }

    /// Recomputes depth, potential and tree of every node below `x` from `x`'s own (a tree
    /// root gets depth 0 and potential 0). Returns the subtree's nodes.
    pub fn refresh_subtree(&mut self, x: u32, tail: &[u32], cost: &[f64]) -> Vec<u32> {
        let p = self.parent[x as usize];
        if p == NONE {
            self.depth[x as usize] = 0;
            self.pot[x as usize] = 0.0;
        } else {
            self.set_from_parent(x, p, tail, cost);
        }
        let mut nodes = vec![x];
        let mut i = 0;
        while i < nodes.len() {
            let n = nodes[i];
            let mut c = self.first_child[n as usize];
            while c != NONE {
                self.set_from_parent(c, n, tail, cost);
                nodes.push(c);
                c = self.next_sibling[c as usize];
            }
            i += 1;
        }
        nodes
    }

    fn set_from_parent(&mut self, c: u32, p: u32, tail: &[u32], cost: &[f64]) {
        let a = self.pred[c as usize] as usize;
        self.depth[c as usize] = self.depth[p as usize] + 1;
        self.comp[c as usize] = self.comp[p as usize];
        self.pot[c as usize] = if tail[a] == c {
            cost[a] + self.pot[p as usize]
        } else {
            self.pot[p as usize] - cost[a]
        };
    }

    /// The classic pivot: the subtree below `v` (which holds `inside`) is cut and rehung from
    /// `inside` under `outside` by `arc`. Returns the moved nodes.
    pub fn rehang(
        &mut self,
        v: u32,
        inside: u32,
        outside: u32,
        arc: u32,
        tail: &[u32],
        cost: &[f64],
    ) -> Vec<u32> {
        self.cut(v);
        self.reroot(inside);
        self.link(inside, outside, arc);
        self.refresh_subtree(inside, tail, cost)
    }

    /// Cuts the subtree below `v` off as a tree of its own; returns its nodes.
    pub fn split(&mut self, v: u32, tail: &[u32], cost: &[f64]) -> Vec<u32> {
        let old = self.comp[v as usize];
        self.cut(v);
        let id = match self.free_ids.pop() {
            Some(id) => id,
            None => {
                self.tree_root.push(NONE);
                self.tree_size.push(0);
                (self.tree_root.len() - 1) as u32
            }
        };
        self.tree_root[id as usize] = v;
        self.live.push(id);
        self.comp[v as usize] = id;
        let nodes = self.refresh_subtree(v, tail, cost);
        let moved = nodes.len() as u32;
        self.tree_size[id as usize] = moved;
        self.tree_size[old as usize] -= moved;
        nodes
    }

    /// Joins the trees of `u` and `w` (different) by `arc`: the smaller one (never the
    /// root's) is rerooted at its end and hung under the other end. Returns the moved tree's
    /// id (freed) and its nodes: the other keeps its id, its root and its nodes' potentials.
    pub fn join(
        &mut self,
        u: u32,
        w: u32,
        arc: u32,
        tail: &[u32],
        cost: &[f64],
    ) -> (u32, Vec<u32>) {
        let (a, b) = (self.comp[u as usize], self.comp[w as usize]);
        let move_b = if a == 0 {
            true
        } else if b == 0 {
            false
        } else {
            self.tree_size[b as usize] <= self.tree_size[a as usize]
        };
        let (moving, stay, x, y) = if move_b { (b, a, w, u) } else { (a, b, u, w) };
        self.reroot(x);
        self.link(x, y, arc);
        let nodes = self.refresh_subtree(x, tail, cost);
        self.tree_size[stay as usize] += self.tree_size[moving as usize];
        self.tree_size[moving as usize] = 0;
        self.tree_root[moving as usize] = NONE;
        self.free_ids.push(moving);
        if let Some(at) = self.live.iter().position(|&t| t == moving) {
            self.live.remove(at);
        }
        (moving, nodes)
    }

    /// Whether tree id `t` is in use.
    pub fn is_live(&self, t: u32) -> bool {
        self.tree_root.get(t as usize).is_some_and(|&r| r != NONE)
    }

    /// Sends each `(node, amount)` up its tree: returns, for every node whose subtree's total
    /// is not zero, `(node, total)`, the amount its arc to the parent carries out of the
    /// subtree. What reaches a tree's root stays there. Deepest nodes first, then by node,
    /// so the order is deterministic.
    pub fn route_up(&mut self, entries: &[(u32, f64)]) -> Vec<(u32, f64)> {
        let mut heap: BinaryHeap<(u32, u32)> = BinaryHeap::new();
        for &(node, x) in entries {
            let n = node as usize;
            self.amount[n] += x;
            if !self.queued[n] {
                self.queued[n] = true;
                heap.push((self.depth[n], node));
            }
        }
        let mut out = Vec::new();
        while let Some((_, node)) = heap.pop() {
            let n = node as usize;
            let x = self.amount[n];
            self.amount[n] = 0.0;
            self.queued[n] = false;
            let p = self.parent[n];
            if p == NONE || x == 0.0 {
                continue;
            }
            out.push((node, x));
            self.amount[p as usize] += x;
            if !self.queued[p as usize] {
                self.queued[p as usize] = true;
                heap.push((self.depth[p as usize], p));
            }
        }
        out
    }
}
