//! Loading ONNX files into optimised tract plans, with chosen outputs.

use std::path::Path;

use tract_onnx::prelude::*;

use crate::error::{Error, Result};

/// An optimised, runnable tract model.
pub type Plan = Arc<TypedRunnableModel>;
/// Per-worker run state of a [`Plan`] (reused across calls).
pub type PlanState = TypedSimpleState;

/// One input's element type and shape; `None` dimensions become a shared symbol `S`.
pub type InputShape<'a> = &'a [Option<usize>];

/// Loads `path`, fixes its inputs to f32 tensors of the given shapes, selects `outputs`
/// (ONNX tensor names) before optimising (optimisation renames nodes), and optimises.
///
/// # Errors
/// [`Error::Model`] naming the file if it cannot be parsed, an output is unknown, or tract
/// cannot type or optimise the graph.
pub fn load(path: &Path, inputs: &[InputShape], outputs: &[&str]) -> Result<Plan> {
    let err = |context: &'static str| move |e: TractError| Error::model(path, context, e);
    let mut model = tract_onnx::onnx()
        .model_for_path(path)
        .map_err(err("parsing the ONNX file"))?;
    let sym = model.sym("S");
    for (ix, shape) in inputs.iter().enumerate() {
        let dims: TVec<TDim> = shape
            .iter()
            .map(|d| d.map_or_else(|| sym.clone().into(), |n| n.to_dim()))
            .collect();
        model = model
            .with_input_fact(ix, InferenceFact::dt_shape(f32::datum_type(), dims))
            .map_err(err("setting the input shape"))?;
    }
    if !outputs.is_empty() {
        model = model
            .with_outputs_by_name(outputs)
            .map_err(err("selecting the layer outputs"))?;
    }
    let typed = model
        .into_optimized()
        .map_err(err("optimising the graph"))?;
    typed.into_runnable().map_err(err("planning the graph"))
}

/// Runs a plan state and maps its error to name the model file.
///
/// # Errors
/// [`Error::Model`] if tract fails (wrong input shape, unsupported values).
pub fn run(state: &mut PlanState, path: &Path, inputs: TVec<TValue>) -> Result<TVec<TValue>> {
    #[cfg(feature = "ort")]
    if super::shadow::active() {
        let kept = inputs.clone();
        let t = std::time::Instant::now();
        let out = state.run(inputs);
        super::shadow::follow(path, &kept, t.elapsed());
        return out.map_err(|e| Error::model(path, "running the model", e));
    }
    state
        .run(inputs)
        .map_err(|e| Error::model(path, "running the model", e))
}
