//! The decoder's two tract plans: encoder frames → cross-attention keys/values (once per
//! word), and token prefixes → the last position's logits (once per decoding step).

use std::path::{Path, PathBuf};

use tract_onnx::prelude::*;

use super::spec::RecogniserSpec;
use crate::error::{Error, Result};
use crate::model::plan::{Plan, PlanState};

/// Both plans and their run states.
pub struct Decoder {
    cross_plan: Plan,
    step_plan: Plan,
    cross: PlanState,
    step: PlanState,
    cross_path: PathBuf,
    step_path: PathBuf,
    width: usize,
    vocab: usize,
}

/// Every layer's cross-attention keys and values for one word, `[2 × layers, T, width]`.
#[derive(Clone)]
pub struct CrossKv(TValue);

impl Decoder {
    /// Loads `decoder` (the step graph) and the spec's cross graph, with a symbolic batch,
    /// token count and frame count, optimised once.
    ///
    /// # Errors
    /// [`Error::Model`] naming the file if tract cannot load, type or optimise it, or its
    /// output is not `[batch, vocabulary]`.
    pub fn load(step_path: &Path, dir: &Path, spec: &RecogniserSpec) -> Result<Self> {
        let cross_path = dir.join(&spec.cross_file);
        let t = |m: &InferenceModel| m.sym("T");
        let cross = load_plan(&cross_path, |m| {
            let t = t(m);
            Ok(vec![InferenceFact::dt_shape(
                f32::datum_type(),
                tvec![1.to_dim(), TDim::from(t), spec.width.to_dim()],
            )])
        })?;
        let step = load_plan_untied(step_path, spec.projection.as_deref(), |m| {
            let (b, l, t) = (m.sym("B"), m.sym("L"), t(m));
            Ok(vec![
                InferenceFact::dt_shape(i64::datum_type(), tvec![TDim::from(b), TDim::from(l)]),
                InferenceFact::dt_shape(
                    f32::datum_type(),
                    tvec![
                        (2 * spec.layers).to_dim(),
                        TDim::from(t),
                        spec.width.to_dim()
                    ],
                ),
            ])
        })?;
        let vocab = step
            .model()
            .output_fact(0)
            .ok()
            .and_then(|f| {
                f.shape
                    .dims()
                    .get(1)
                    .and_then(|d| d.as_i64())
                    .map(|d| d as usize)
            })
            .ok_or_else(|| {
                Error::model(
                    step_path,
                    "reading the vocabulary size",
                    "the output is not [batch, vocabulary]",
                )
            })?;
        let spawn = |plan: &Plan, path: &Path| {
            plan.spawn()
                .map_err(|e| Error::model(path, "starting the model", e))
        };
        Ok(Self {
            cross: spawn(&cross, &cross_path)?,
            step: spawn(&step, step_path)?,
            cross_plan: cross,
            step_plan: step,
            cross_path,
            step_path: step_path.to_path_buf(),
            width: spec.width,
            vocab,
        })
    }

    /// A copy with its own run states over the same plans, for another thread.
    ///
    /// # Errors
    /// [`Error::Model`] if tract cannot start a state.
    pub fn fork(&self) -> Result<Self> {
        let spawn = |plan: &Plan, path: &Path| {
            plan.spawn()
                .map_err(|e| Error::model(path, "starting the model", e))
        };
        Ok(Self {
            cross_plan: self.cross_plan.clone(),
            step_plan: self.step_plan.clone(),
            cross: spawn(&self.cross_plan, &self.cross_path)?,
            step: spawn(&self.step_plan, &self.step_path)?,
            cross_path: self.cross_path.clone(),
            step_path: self.step_path.clone(),
            width: self.width,
            vocab: self.vocab,
        })
    }

    /// Size of the vocabulary (logits per row).
    pub fn vocab(&self) -> usize {
        self.vocab
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

    /// Raw logits of the last position of each prefix (all of one length), one row each.
    ///
    /// # Errors
    /// [`Error::Model`] if the prefixes are empty or of unequal lengths, or tract fails.
    pub fn logits(&mut self, prefixes: &[&[u32]], kv: &CrossKv) -> Result<Vec<Vec<f32>>> {
        let path = &self.step_path;
        let len = prefixes.first().map_or(0, |p| p.len());
        if len == 0 || prefixes.iter().any(|p| p.len() != len) {
            return Err(Error::model(
                path,
                "decoding",
                "prefixes must be non-empty and equally long",
            ));
        }
        let ids: Vec<i64> = prefixes
            .iter()
            .flat_map(|p| p.iter().map(|&t| i64::from(t)))
            .collect();
        let tokens = Tensor::from_shape(&[prefixes.len(), len], &ids)
            .map_err(|e| Error::model(path, "decoding", e))?;
        let out = self
            .step
            .run(tvec!(tokens.into(), kv.0.clone()))
            .map_err(|e| Error::model(path, "running the model", e))?;
        let logits = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| Error::model(path, "reading the logits", e))?;
        if logits.shape() != [prefixes.len(), self.vocab] {
            return Err(Error::model(
                path,
                "reading the logits",
                format!(
                    "shape {:?}, expected [{}, {}]",
                    logits.shape(),
                    prefixes.len(),
                    self.vocab
                ),
            ));
        }
        Ok(logits
            .outer_iter()
            .map(|row| row.iter().copied().collect())
            .collect())
    }
}

/// Loads an ONNX file with input facts made from its own symbols, and optimises it.
fn load_plan(
    path: &Path,
    facts: impl FnOnce(&InferenceModel) -> TractResult<Vec<InferenceFact>>,
) -> Result<Plan> {
    load_plan_untied(path, None, facts)
}

/// As [`load_plan`]; `projection` names the node computing the transposed tied embedding
/// for the output projection, which is replaced by a constant of its own before
/// optimising. tract 0.23.9 packs a matmul weight once at load only when that constant
/// feeds nothing else; shared with the token lookup it re-packs the whole embedding on
/// every call (measured: 110–300 ms a step instead of 10–20 ms).
fn load_plan_untied(
    path: &Path,
    projection: Option<&str>,
    facts: impl FnOnce(&InferenceModel) -> TractResult<Vec<InferenceFact>>,
) -> Result<Plan> {
    let err = |context: &'static str| move |e: TractError| Error::model(path, context, e);
    let mut model = tract_onnx::onnx()
        .model_for_path(path)
        .map_err(err("parsing the ONNX file"))?;
    for (ix, fact) in facts(&model)
        .map_err(err("setting the input shapes"))?
        .into_iter()
        .enumerate()
    {
        model = model
            .with_input_fact(ix, fact)
            .map_err(err("setting the input shapes"))?;
    }
    if let Some(name) = projection {
        untie(&mut model, name).map_err(err("untying the output projection"))?;
    }
    let typed = model
        .into_optimized()
        .map_err(err("optimising the graph"))?;
    typed.into_runnable().map_err(err("planning the graph"))
}

/// Replaces node `name`, a Transpose of the (possibly Cast) embedding initializer, by a
/// constant holding its result, computed here: the projection then reads a constant of
/// its own, which tract packs once.
fn untie(model: &mut InferenceModel, name: &str) -> TractResult<()> {
    let id = model.node_id_by_name(name)?;
    let node = model.node(id);
    if node.inputs.len() != 1 {
        return Err(TractError::msg(format!(
            "node `{name}` should have one input"
        )));
    }
    let input = node.inputs[0];
    // The initializer itself, or a Cast of it (float16 files).
    let mut source = model.node(input.node);
    if !source.op_is::<tract_onnx::tract_hir::ops::konst::Const>() && source.inputs.len() == 1 {
        source = model.node(source.inputs[0].node);
    }
    let Some(konst) = source.op_as::<tract_onnx::tract_hir::ops::konst::Const>() else {
        return Err(TractError::msg(format!(
            "node `{name}` does not read a constant"
        )));
    };
    let value = konst.val().cast_to::<f32>()?.into_owned();
    if value.rank() != 2 {
        return Err(TractError::msg(format!(
            "node `{name}` does not read a matrix"
        )));
    }
    let transposed = value.permute_axes(&[1, 0])?;
    model.node_mut(input.node).outputs[input.slot]
        .successors
        .retain(|s| s.node != id);
    let node = model.node_mut(id);
    node.inputs.clear();
    node.op = Box::new(tract_onnx::tract_hir::ops::konst::Const::new(
        transposed.into_arc_tensor(),
    )?);
    Ok(())
}
