//! Encoder load faults told as manifest faults: an outlet the model does not have (with
//! the outlets it does have), or an input shape the manifest gets wrong.

use std::path::Path;

use tract_onnx::prelude::*;

use crate::error::Error;
use crate::model::manifest::Manifest;

/// Turns tract's errors on loading an encoder into the manifest's fault: an outlet that
/// is not in the model names its `[[layers]]` entry and the model's nearest outlets; an
/// input that does not type names `shape_fields`.
pub fn layer_fault(manifest: &Manifest, e: Error, shape_fields: &str) -> Error {
    let Error::Model {
        context, source, ..
    } = &e
    else {
        return e;
    };
    let file = manifest.file.display();
    match *context {
        "selecting the layer outputs" => {
            let offered = of_file(&manifest.model_path()).unwrap_or_default();
            let Some((i, layer)) = manifest
                .layers
                .iter()
                .enumerate()
                .find(|(_, l)| !offered.contains(&l.outlet))
            else {
                return e;
            };
            Error::manifest(
                &manifest.path,
                format!(
                    "[[layers]] entry {} (`{}`): outlet `{}` is not in {file}; {}",
                    i + 1,
                    layer.name,
                    layer.outlet,
                    nearest(&offered, &layer.outlet)
                ),
            )
        }
        "setting the input shape" | "optimising the graph" => Error::manifest(
            &manifest.path,
            format!(
                "{shape_fields} does not fit {file}: {}",
                crate::model::frontend::onnx_mel::first_line(&source.to_string())
            ),
        ),
        _ => model_fault(&manifest.path, "`file`", e),
    }
}

/// Any tract error on a model file a manifest names, told as that manifest's fault in
/// `field`, with the first line of tract's message.
pub fn model_fault(manifest: &Path, field: &str, e: Error) -> Error {
    let Error::Model {
        path,
        context,
        source,
    } = &e
    else {
        return e;
    };
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    Error::manifest(
        manifest,
        format!(
            "{field} {file}: {context}: {}",
            crate::model::frontend::onnx_mel::first_line(&source.to_string())
        ),
    )
}

/// Every name tract accepts as an output of the file at `path`: ONNX tensor names,
/// node names and `node:index`, sorted.
fn of_file(path: &Path) -> Option<Vec<String>> {
    let model = tract_onnx::onnx().model_for_path(path).ok()?;
    let mut names: Vec<String> = model.outlet_labels.values().cloned().collect();
    for n in model.nodes() {
        names.push(n.name.clone());
        names.extend((0..n.outputs.len()).map(|ix| format!("{}:{ix}", n.name)));
    }
    names.sort();
    names.dedup();
    Some(names)
}

/// "the model has N outlets; nearest: `a`, `b`, …" — the names sharing the longest prefix
/// with `wanted` (then the shortest), at most five.
fn nearest(outlets: &[String], wanted: &str) -> String {
    let shared = |o: &str| {
        o.chars()
            .zip(wanted.chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut ranked: Vec<&String> = outlets.iter().collect();
    ranked.sort_by_key(|o| (std::cmp::Reverse(shared(o)), o.len()));
    let shown: Vec<String> = ranked.iter().take(5).map(|o| format!("`{o}`")).collect();
    format!(
        "the model has {} outlets; nearest: {}",
        outlets.len(),
        shown.join(", ")
    )
}
