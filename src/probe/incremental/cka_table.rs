//! The probe's CKA state per text table: which probe words the table holds, their
//! distinct rows, and the Gram statistics grown by one word at a time.

use std::collections::HashMap;

use super::Probe;
use crate::probe::bank::dot;
use crate::probe::cka::{GramStats, shifted};

/// CKA state of one text table: the probe words it holds and their Gram statistics.
#[derive(Debug, Clone, Default)]
pub(super) struct TableCka {
    /// Probe index and slot (distinct table row) of each word in the table.
    pub(super) members: Vec<(usize, usize)>,
    /// Distinct table rows seen, in order; `slots[row]` is a row's position in it. Words
    /// repeat, so the text side's Gram row costs O(distinct words · d_t), not O(n · d_t).
    pub(super) rows: Vec<usize>,
    pub(super) slots: HashMap<usize, usize>,
    /// Y with Y (layer independent).
    pub(super) yy: GramStats,
    /// Per layer: X with Y, X with X.
    pub(super) layers: Vec<(GramStats, GramStats)>,
}

impl Probe {
    /// Grows each table's Gram statistics by word `i` if the table holds `label`.
    pub(super) fn push_cka(&mut self, i: usize, label: &str) {
        for (table, state) in self.tables.iter().zip(&mut self.cka) {
            let Some(r) = table.row_of(label) else {
                continue;
            };
            let next = state.rows.len();
            let slot = *state.slots.entry(r).or_insert(next);
            if slot == next {
                state.rows.push(r);
            }
            // Text-side Gram entries with every distinct row, then one per member.
            self.slot_dots.clear();
            self.slot_dots
                .extend(state.rows.iter().map(|&rs| table.centred_dot(rs, r)));
            self.l_row.clear();
            self.l_row
                .extend(state.members.iter().map(|&(_, s)| self.slot_dots[s]));
            let l_nn = self.slot_dots[slot];
            state.yy.push(&self.l_row, l_nn, &self.l_row, l_nn);
            let first = self.bank.first();
            for (l, (xy, xx)) in state.layers.iter_mut().enumerate() {
                // Rows shifted by x₀ (the first word): (xᵢ − x₀)·(xⱼ − x₀).
                let f = &self.dot_first[l];
                let (cc, fi) = (self.shift[l].1, f[i - first]);
                let dots = &self.dots[l];
                self.k_row.clear();
                self.k_row.extend(
                    (state.members.iter())
                        .map(|&(m, _)| shifted(dots[m - first], f[m - first], fi, cc)),
                );
                let x = self.bank.vector(l, i);
                let k_nn = shifted(dot(x, x), fi, fi, cc);
                xy.push(&self.k_row, k_nn, &self.l_row, l_nn);
                xx.push(&self.k_row, k_nn, &self.k_row, k_nn);
            }
            state.members.push((i, slot));
        }
    }

    /// Takes the oldest word `o` out of each table's Gram statistics that holds it;
    /// `self.dots[l][j − first]` are its dot products with every word held. The distinct
    /// rows seen stay (at most the table's size).
    pub(super) fn evict_cka(&mut self, o: usize) {
        let first = self.bank.first();
        for (table, state) in self.tables.iter().zip(&mut self.cka) {
            if state.members.first().map(|&(m, _)| m) != Some(o) {
                continue;
            }
            let r = state.rows[state.members[0].1];
            self.l_row.clear();
            self.l_row.extend(
                (state.members[1..].iter()).map(|&(_, s)| table.centred_dot(state.rows[s], r)),
            );
            state.yy.evict_first(&self.l_row, &self.l_row);
            for (l, (xy, xx)) in state.layers.iter_mut().enumerate() {
                let f = &self.dot_first[l];
                let (cc, fo) = (self.shift[l].1, f[o - first]);
                let dots = &self.dots[l];
                self.k_row.clear();
                self.k_row.extend(
                    (state.members[1..].iter())
                        .map(|&(m, _)| shifted(dots[m - first], f[m - first], fo, cc)),
                );
                xy.evict_first(&self.k_row, &self.l_row);
                xx.evict_first(&self.k_row, &self.k_row);
            }
            state.members.remove(0);
        }
    }
}
