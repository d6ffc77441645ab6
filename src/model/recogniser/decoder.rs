//! The decoder: two tract plans — encoder frames → cross-attention keys/values (once per
//! word), token embeddings → the final-norm hidden state of every position (the body) —
//! and, in Rust, the token lookup and the output projection on the float16 embedding.

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::embedding::Embedding;
use super::spec::RecogniserSpec;
use crate::error::{Error, Result};
use crate::model::plan::{Plan, PlanState};

/// Both plans, their run states, and the shared embedding.
pub struct Decoder {
    cross: PlanState,
    body: PlanState,
    embedding: Arc<Embedding>,
    cross_path: PathBuf,
    body_path: PathBuf,
    width: usize,
}

/// Every layer's cross-attention keys and values for one word, `[2 × layers, T, width]`.
#[derive(Clone)]
pub struct CrossKv(TValue);

impl Decoder {
    /// Loads `body_path` (the body graph), the spec's cross graph and embedding, with a
    /// symbolic batch, token count and frame count, optimised once.
    ///
    /// # Errors
    /// [`Error::Model`] naming the file if tract cannot load, type or optimise it or its
    /// output is not `[batch, tokens, width]`; [`Error::Io`] / [`Error::Data`] for an
    /// unreadable embedding.
    pub fn load(body_path: &Path, dir: &Path, spec: &RecogniserSpec) -> Result<Self> {
        let [vocab, width] = spec.embedding_shape;
        let embedding = Embedding::load(&dir.join(&spec.embedding), vocab, width)?;
        let cross_path = dir.join(&spec.cross_file);
        let f32_fact = |dims: TVec<TDim>| InferenceFact::dt_shape(f32::datum_type(), dims);
        let cross = load_plan(&cross_path, |m| {
            let t = m.sym("T");
            vec![f32_fact(tvec![1.to_dim(), t.into(), width.to_dim()])]
        })?;
        let body = load_plan(body_path, |m| {
            let (b, l, t) = (m.sym("B"), m.sym("L"), m.sym("T"));
            vec![
                f32_fact(tvec![b.into(), l.into(), width.to_dim()]),
                f32_fact(tvec![(2 * spec.layers).to_dim(), t.into(), width.to_dim()]),
            ]
        })?;
        let out_width = body
            .model()
            .output_fact(0)
            .ok()
            .and_then(|f| f.shape.dims().get(2).and_then(|d| d.as_i64()));
        if out_width != Some(width as i64) {
            return Err(Error::model(
                body_path,
                "reading the hidden width",
                format!("the output is not [batch, tokens, {width}]"),
            ));
        }
        let spawn = |plan: &Plan, path: &Path| {
            plan.spawn()
                .map_err(|e| Error::model(path, "starting the model", e))
        };
        Ok(Self {
            cross: spawn(&cross, &cross_path)?,
            body: spawn(&body, body_path)?,
            embedding: Arc::new(embedding),
            cross_path,
            body_path: body_path.to_path_buf(),
            width,
        })
    }

    /// An independent decoder sharing the loaded plans and embedding (for another thread).
    pub fn fork(&self) -> Self {
        let fresh = |state: &PlanState| state.plan().spawn().unwrap_or_else(|_| state.clone());
        Self {
            cross: fresh(&self.cross),
            body: fresh(&self.body),
            embedding: Arc::clone(&self.embedding),
            cross_path: self.cross_path.clone(),
            body_path: self.body_path.clone(),
            width: self.width,
        }
    }

    /// Size of the vocabulary (logits per row).
    pub fn vocab(&self) -> usize {
        self.embedding.vocab()
    }

    /// Cross-attention keys/values of encoder frames `[T, width]` (row-major).
    ///
    /// # Errors
    /// [`Error::Model`] if the frames are empty or not a multiple of the width, or tract fails.
    pub fn cross(&mut self, frames: &[f32]) -> Result<CrossKv> {
        let path = &self.cross_path;
        if frames.is_empty() || frames.len() % self.width != 0 {
            return Err(Error::model(
                path,
                "reading encoder frames",
                format!(
                    "{} values is not a positive number of {}-wide frames",
                    frames.len(),
                    self.width
                ),
            ));
        }
        let t = frames.len() / self.width;
        let input = Tensor::from_shape(&[1, t, self.width], frames)
            .map_err(|e| Error::model(path, "reading encoder frames", e))?;
        let mut out = self
            .cross
            .run(tvec!(input.into()))
            .map_err(|e| Error::model(path, "running the model", e))?;
        Ok(CrossKv(out.remove(0)))
    }

    /// The final-norm hidden state of every position of each sequence (all of one length
    /// L): `[B, L, width]`, row-major. Row (b, j) gives the logits after `seqs[b][..=j]`.
    ///
    /// # Errors
    /// [`Error::Model`] if the sequences are empty or of unequal lengths, a token is outside
    /// the vocabulary, or tract fails.
    pub fn hidden(&mut self, seqs: &[&[u32]], kv: &CrossKv) -> Result<Vec<f32>> {
        let path = &self.body_path;
        let len = seqs.first().map_or(0, |p| p.len());
        if len == 0 || seqs.iter().any(|p| p.len() != len) {
            return Err(Error::model(
                path,
                "decoding",
                "token sequences must be non-empty and equally long",
            ));
        }
        let mut embeds = Vec::new();
        for s in seqs {
            self.embedding.lookup(s, &mut embeds)?;
        }
        let input = Tensor::from_shape(&[seqs.len(), len, self.width], &embeds)
            .map_err(|e| Error::model(path, "decoding", e))?;
        let out = self
            .body
            .run(tvec!(input.into(), kv.0.clone()))
            .map_err(|e| Error::model(path, "running the model", e))?;
        let hidden = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(path, "reading the hidden states", e))?;
        if hidden.shape() != [seqs.len(), len, self.width] {
            return Err(Error::model(
                path,
                "reading the hidden states",
                format!(
                    "shape {:?}, expected [{}, {len}, {}]",
                    hidden.shape(),
                    seqs.len(),
                    self.width
                ),
            ));
        }
        Ok(hidden.iter().copied().collect())
    }

    /// Raw logits of hidden rows `[n, width]`: `[n, vocab]` (see [`Embedding::project`]).
    ///
    /// # Errors
    /// [`Error::Model`] if `rows` is not a whole number of rows.
    pub fn project(&self, rows: &[f32]) -> Result<Vec<f32>> {
        self.embedding.project(rows)
    }

    /// Width of a hidden row.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// Loads an ONNX file with input facts made from its own symbols, and optimises it.
fn load_plan(
    path: &Path,
    facts: impl FnOnce(&InferenceModel) -> Vec<InferenceFact>,
) -> Result<Plan> {
    let err = |context: &'static str| move |e: TractError| Error::model(path, context, e);
    let mut model = tract_onnx::onnx()
        .model_for_path(path)
        .map_err(err("parsing the ONNX file"))?;
    for (ix, fact) in facts(&model).into_iter().enumerate() {
        model = model
            .with_input_fact(ix, fact)
            .map_err(err("setting the input shapes"))?;
    }
    let typed = model
        .into_optimized()
        .map_err(err("optimising the graph"))?;
    typed.into_runnable().map_err(err("planning the graph"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::Manifest;

    /// One greedy step at L = 3, split: the body in tract, the projection in Rust.
    /// `cargo test --release --lib step_split -- --ignored --nocapture`
    #[test]
    #[ignore = "measurement"]
    fn step_split_measured() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let m = Manifest::load(&root.join("models/whisper-tiny-en-decoder/manifest.toml")).unwrap();
        let spec = m.recogniser.clone().unwrap();
        let mut dec = Decoder::load(&m.model_path(), &m.dir, &spec).unwrap();
        let kv = dec.cross(&vec![0.1; 37 * 384]).unwrap();
        let (mut body, mut proj) = (Vec::new(), Vec::new());
        for k in 0..60u32 {
            let t = std::time::Instant::now();
            let h = dec.hidden(&[&[50257, 50362, 300 + k]], &kv).unwrap();
            body.push(t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            let logits = dec.project(&h[2 * 384..]).unwrap();
            proj.push(t.elapsed().as_secs_f64());
            assert_eq!(logits.len(), 51864);
        }
        for (name, mut xs) in [("body", body), ("projection", proj)] {
            xs.sort_by(f64::total_cmp);
            let at = |p: f64| 1e3 * xs[((xs.len() - 1) as f64 * p).round() as usize];
            println!(
                "{name}: p50 {:.2} / p95 {:.2} / min {:.2} ms",
                at(0.5),
                at(0.95),
                at(0.0)
            );
        }
    }
}
