//! [`Probe`]: the paper's analyses for one encoder, updated one word at a time.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::bank::{Bank, Neighbour, dot, top_k};
use super::identity::Identity;
use super::lexicon::{Lexicon, normalise};
use super::silhouette::Silhouette;
use super::table::TextTable;
use crate::error::{Error, Result};

mod cka_table;
mod evict;
mod metrics;
mod pair_sums;
mod query;
use cka_table::TableCka;
use pair_sums::PairSum;

#[derive(Debug, Clone)]
struct Token {
    label: Option<String>,
    entry: Option<usize>,
}

/// The probe of one encoder: every word said so far (one vector per layer, an optional
/// label), with nearest neighbours, silhouettes, CKA against text tables and word-pair
/// means kept up to date incrementally (see the [module docs](super)).
#[derive(Debug, Clone)]
pub struct Probe {
    layer_names: Vec<String>,
    lexicon: Arc<Lexicon>,
    tables: Vec<Arc<TextTable>>,
    bank: Bank,
    /// The words held, oldest first (word i is `tokens[i − first]`).
    tokens: VecDeque<Token>,
    /// The words held of each label, oldest first.
    by_label: HashMap<String, VecDeque<usize>>,
    semantic: Silhouette,
    phonetic: Silhouette,
    identity: Identity,
    cka: Vec<TableCka>,
    /// Per layer, per pair kind.
    pairs: Vec<[PairSum; 5]>,
    /// Per layer: the first word's vector x₀, which shifts CKA's rows (kept after the word
    /// leaves a window: any fixed shift leaves CKA unchanged), and x₀·x₀.
    shift: Vec<(Vec<f32>, f64)>,
    /// Per layer: xᵢ·x₀ for every word held, oldest first.
    dot_first: Vec<VecDeque<f64>>,
    /// Per layer: raw dot products of the newest word with every earlier word held
    /// (`dots[l][j − first]`); while a word leaves, those of the leaving word.
    dots: Vec<Vec<f64>>,
    /// Per layer: cosines, as `dots`.
    cosines: Vec<Vec<f64>>,
    /// Scratch rows for Gram updates.
    k_row: Vec<f64>,
    l_row: Vec<f64>,
    slot_dots: Vec<f64>,
}

impl Probe {
    /// A probe for an encoder with these layers (names and widths), labelled through
    /// `lexicon`, comparing each layer with every text table.
    ///
    /// # Errors
    /// [`Error::Config`] if names and widths differ in number, there is no layer, a width
    /// is 0, or two tables share a name.
    pub fn new(
        layer_names: Vec<String>,
        dims: Vec<usize>,
        lexicon: Arc<Lexicon>,
        tables: Vec<Arc<TextTable>>,
    ) -> Result<Probe> {
        let bad = |reason: String| Error::Config {
            setting: "probe layers",
            reason,
        };
        if layer_names.len() != dims.len() {
            return Err(bad(format!(
                "{} names for {} widths",
                layer_names.len(),
                dims.len()
            )));
        }
        if dims.is_empty() {
            return Err(bad("no layers".into()));
        }
        if let Some(l) = dims.iter().position(|&d| d == 0) {
            return Err(bad(format!("layer {:?} has width 0", layer_names[l])));
        }
        let mut names: Vec<&str> = tables.iter().map(|t| t.name()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::Config {
                setting: "text tables",
                reason: format!("two tables named {:?}", w[0]),
            });
        }
        let layers = dims.len();
        Ok(Probe {
            semantic: Silhouette::new(lexicon.semantic_categories().len(), layers),
            phonetic: Silhouette::new(lexicon.phonetic_groups().len(), layers),
            identity: Identity::new(layers),
            cka: tables
                .iter()
                .map(|_| TableCka {
                    layers: vec![Default::default(); layers],
                    ..TableCka::default()
                })
                .collect(),
            pairs: vec![[PairSum::default(); 5]; layers],
            shift: Vec::new(),
            dot_first: vec![VecDeque::new(); layers],
            dots: vec![Vec::new(); layers],
            cosines: vec![Vec::new(); layers],
            k_row: Vec::new(),
            l_row: Vec::new(),
            slot_dots: Vec::new(),
            bank: Bank::new(dims),
            tokens: VecDeque::new(),
            by_label: HashMap::new(),
            layer_names,
            lexicon,
            tables,
        })
    }

    /// Adds a word: its label (if known) and one vector per layer. Returns its index.
    /// Costs O(n·d) per layer plus O(n·d_t) per text table that holds the word.
    ///
    /// # Errors
    /// [`Error::Config`] if the number of vectors or a width is wrong, or a value is NaN or
    /// infinite; the probe is then unchanged.
    pub fn push<V: AsRef<[f32]>>(&mut self, label: Option<&str>, vectors: &[V]) -> Result<usize> {
        self.push_spoken(label, None, vectors)
    }

    /// As [`Probe::push`], for a word said by a known speaker (word identity then takes
    /// its centroids from other speakers; unknown speakers are leave-one-out).
    ///
    /// # Errors
    /// As [`Probe::push`].
    pub fn push_spoken<V: AsRef<[f32]>>(
        &mut self,
        label: Option<&str>,
        speaker: Option<&str>,
        vectors: &[V],
    ) -> Result<usize> {
        self.check(vectors)?;
        if self.bank.window() == Some(self.bank.len()) {
            self.evict_oldest();
        }
        let i = self.bank.push(vectors);
        let first = self.bank.first();
        let label = label.map(normalise).filter(|l| !l.is_empty());
        let entry = label.as_deref().and_then(|l| self.lexicon.index_of(l));
        if self.shift.is_empty() {
            self.shift = (0..self.layer_names.len())
                .map(|l| {
                    let x = self.bank.vector(l, i);
                    (x.to_vec(), dot(x, x))
                })
                .collect();
        }

        self.fill_rows(i, first..i);
        for l in 0..self.layer_names.len() {
            let q = self.bank.vector(l, i);
            self.dot_first[l].push_back(dot(q, &self.shift[l].0));
        }

        if let Some(e) = entry.map(|e| &self.lexicon.entries()[e]) {
            if let Some(c) = e.semantic {
                self.semantic.push(i, c, &self.cosines, first);
            }
            if let Some(g) = e.phonetic {
                self.phonetic.push(i, g, &self.cosines, first);
            }
        }

        if let Some(label) = &label {
            let selfs = self.selfs(i);
            (self.identity).push(i, label, speaker, &self.cosines, &selfs, first);
            self.push_cka(i, label);
            self.push_pairs(i, label);
            self.by_label.entry(label.clone()).or_default().push_back(i);
        }
        self.tokens.push_back(Token { label, entry });
        Ok(i)
    }

    /// One pass over the bank per layer: word `i`'s raw dot products and cosines with the
    /// words `with`, into the scratch rows `dots` and `cosines`.
    fn fill_rows(&mut self, i: usize, with: std::ops::Range<usize>) {
        for l in 0..self.layer_names.len() {
            let q = self.bank.vector(l, i);
            let qi = self.bank.inv_norm(l, i);
            let (dots, cosines) = (&mut self.dots[l], &mut self.cosines[l]);
            dots.clear();
            cosines.clear();
            for j in with.clone() {
                let d = dot(q, self.bank.vector(l, j));
                dots.push(d);
                cosines.push(d * qi * self.bank.inv_norm(l, j));
            }
        }
    }

    /// Word `i`'s cosine with itself per layer: 1, or 0 for a zero vector.
    fn selfs(&self, i: usize) -> Vec<f64> {
        (0..self.layer_names.len())
            .map(|l| f64::from(u8::from(self.bank.inv_norm(l, i) > 0.0)))
            .collect()
    }

    fn check<V: AsRef<[f32]>>(&self, vectors: &[V]) -> Result<()> {
        let bad = |reason: String| Error::Config {
            setting: "probe vectors",
            reason,
        };
        if vectors.len() != self.layer_names.len() {
            return Err(bad(format!(
                "{} vectors for {} layers",
                vectors.len(),
                self.layer_names.len()
            )));
        }
        for (l, v) in vectors.iter().enumerate() {
            let v = v.as_ref();
            if v.len() != self.bank.dims()[l] {
                return Err(bad(format!(
                    "layer {:?}: width {}, expected {}",
                    self.layer_names[l],
                    v.len(),
                    self.bank.dims()[l]
                )));
            }
            if v.iter().any(|x| !x.is_finite()) {
                return Err(bad(format!(
                    "layer {:?}: NaN or infinite value",
                    self.layer_names[l]
                )));
            }
        }
        Ok(())
    }

    /// Forgets every word (keeps layers, lexicon, tables and window); the next word is
    /// index 0 again.
    pub fn clear(&mut self) {
        self.bank.clear();
        self.tokens.clear();
        self.by_label.clear();
        self.semantic.clear();
        self.phonetic.clear();
        self.identity.clear();
        for t in &mut self.cka {
            t.members.clear();
            t.rows.clear();
            t.slots.clear();
            t.yy.clear();
            t.layers.iter_mut().for_each(|(a, b)| {
                a.clear();
                b.clear();
            });
        }
        self.pairs
            .iter_mut()
            .for_each(|p| *p = [PairSum::default(); 5]);
        self.shift.clear();
        self.dot_first.iter_mut().for_each(VecDeque::clear);
        for v in [&mut self.dots, &mut self.cosines] {
            v.iter_mut().for_each(Vec::clear);
        }
    }

    /// Words held (every word so far, unless a window let the oldest go).
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when no word is held.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Layer names.
    pub fn layer_names(&self) -> &[String] {
        &self.layer_names
    }

    /// Layer widths.
    pub fn dims(&self) -> &[usize] {
        self.bank.dims()
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Arc<Lexicon> {
        &self.lexicon
    }

    /// The text tables.
    pub fn tables(&self) -> &[Arc<TextTable>] {
        &self.tables
    }

    /// The word vectors.
    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    /// Word `i`'s label (normalised: trimmed, lower case), if it has one.
    ///
    /// # Panics
    /// If word `i` is not held ([`Bank::contains`]).
    pub fn label(&self, i: usize) -> Option<&str> {
        self.token(i).label.as_deref()
    }

    fn token(&self, i: usize) -> &Token {
        assert!(self.bank.contains(i), "word {i} is not held");
        &self.tokens[i - self.bank.first()]
    }

    /// The `k` words most similar (cosine) to word `i` at `layer`, most similar first
    /// (ties: earlier word first). O(n) for the newest word (its cosines are kept from
    /// [`Probe::push`]), O(n·d) for any other.
    ///
    /// # Panics
    /// If `layer` is out of range or word `i` is not held.
    pub fn nearest(&self, layer: usize, i: usize, k: usize) -> Vec<Neighbour> {
        self.nearest_where(layer, i, k, |_| true)
    }

    /// As [`Probe::nearest`], among the words `keep` accepts (e.g. labelled words only:
    /// `|j| probe.label(j).is_some()`).
    ///
    /// # Panics
    /// If `layer` is out of range or word `i` is not held.
    pub fn nearest_where(
        &self,
        layer: usize,
        i: usize,
        k: usize,
        keep: impl Fn(usize) -> bool,
    ) -> Vec<Neighbour> {
        assert!(self.bank.contains(i), "word {i} is not held");
        let first = self.bank.first();
        if i + 1 == self.bank.end() {
            return top_k(&self.cosines[layer], first, i, k, keep);
        }
        let mut row = Vec::new();
        self.bank.similarities(layer, i, self.bank.end(), &mut row);
        top_k(&row, first, i, k, keep)
    }
}
