//! onnxruntime beside tract (feature `ort`, for `groundprobe bench --ort-lib`): once
//! enabled, every tract model run is followed by an onnxruntime run of the same ONNX file
//! on the same input tensors, so that the two engines are timed alternately, word by word,
//! on identical inputs. onnxruntime is loaded at run time from a shared library (the one
//! the `onnxruntime` PyPI wheel ships, `onnxruntime/capi/libonnxruntime.so.*`); nothing is
//! downloaded at build time.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ort::session::Session;
use ort::value::{DynValue, Tensor};
use tract_onnx::prelude::*;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static SHADOW: Mutex<Option<Shadow>> = Mutex::new(None);

/// One model's sessions and timings.
struct Model {
    session: Result<Session, String>,
    tract_us: Vec<f64>,
    ort_us: Vec<f64>,
}

struct Shadow {
    env: ort::environment::Environment,
    threads: usize,
    models: HashMap<PathBuf, Model>,
}

/// Loads onnxruntime from `lib` and starts shadowing every tract run, with `threads`
/// intra-op threads (as tract's).
///
/// # Errors
/// A message naming the library when it cannot be loaded.
pub fn enable(lib: &Path, threads: usize) -> Result<(), String> {
    // Named once: onnxruntime's loader often names the file itself.
    let named = |e: &dyn std::fmt::Display| {
        let e = e.to_string();
        if e.contains(&*lib.to_string_lossy()) {
            e
        } else {
            format!("{}: {e}", lib.display())
        }
    };
    let builder = ort::init_from(lib).map_err(|e| named(&e))?;
    let env = builder.build().map_err(|e| named(&e))?;
    *SHADOW.lock().map_err(|e| e.to_string())? = Some(Shadow {
        env,
        threads,
        models: HashMap::new(),
    });
    ACTIVE.store(true, Ordering::Release);
    Ok(())
}

/// True once [`enable`] succeeded.
pub fn active() -> bool {
    ACTIVE.load(Ordering::Acquire)
}

fn open(
    env: &ort::environment::Environment,
    threads: usize,
    path: &Path,
) -> Result<Session, String> {
    let builder = Session::builder(env).map_err(|e| e.to_string())?;
    let mut builder = builder
        .with_intra_threads(threads)
        .map_err(|e| e.to_string())?;
    builder.commit_from_file(path).map_err(|e| e.to_string())
}

fn to_ort(value: &TValue) -> Result<DynValue, String> {
    let shape: Vec<i64> = value.shape().iter().map(|&d| d as i64).collect();
    let err = |e: ort::Error| e.to_string();
    if let Ok(data) = value.to_plain_array_view::<f32>() {
        return Ok(
            Tensor::from_array((shape, data.iter().copied().collect::<Vec<_>>()))
                .map_err(err)?
                .into_dyn(),
        );
    }
    if let Ok(data) = value.to_plain_array_view::<i64>() {
        return Ok(
            Tensor::from_array((shape, data.iter().copied().collect::<Vec<_>>()))
                .map_err(err)?
                .into_dyn(),
        );
    }
    Err(format!(
        "input type {:?} is not compared",
        value.datum_type()
    ))
}

/// Runs `path` in onnxruntime on `inputs` after tract took `tract` on them.
pub fn follow(path: &Path, inputs: &[TValue], tract: Duration) {
    let Ok(mut guard) = SHADOW.lock() else { return };
    let Some(shadow) = guard.as_mut() else { return };
    let (env, threads) = (&shadow.env, shadow.threads);
    let model = shadow
        .models
        .entry(path.to_path_buf())
        .or_insert_with(|| Model {
            session: open(env, threads, path),
            tract_us: Vec::new(),
            ort_us: Vec::new(),
        });
    let Ok(session) = model.session.as_mut() else {
        return;
    };
    let Ok(values) = inputs.iter().map(to_ort).collect::<Result<Vec<_>, _>>() else {
        return;
    };
    let names: Vec<String> = session
        .inputs()
        .iter()
        .map(|i| i.name().to_string())
        .collect();
    let named: Vec<(String, DynValue)> = names.into_iter().zip(values).collect();
    let t = Instant::now();
    if session.run(named).is_ok() {
        model.ort_us.push(t.elapsed().as_secs_f64() * 1e6);
        model.tract_us.push(tract.as_secs_f64() * 1e6);
    }
}

/// Per model (named by its folder): tract's total time over onnxruntime's on the same
/// runs, and a note on how it was measured or why a model is missing.
pub fn ratios() -> (BTreeMap<String, f64>, String) {
    let mut ratios = BTreeMap::new();
    let mut notes = Vec::new();
    let Ok(guard) = SHADOW.lock() else {
        return (ratios, "onnxruntime state unavailable".into());
    };
    let Some(shadow) = guard.as_ref() else {
        return (ratios, "onnxruntime was not enabled".into());
    };
    let mut models: Vec<_> = shadow.models.iter().collect();
    models.sort_by(|a, b| a.0.cmp(b.0));
    for (path, m) in models {
        let name = path.parent().and_then(Path::file_name).map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        match &m.session {
            Err(e) => notes.push(format!("{name}: not loaded by onnxruntime ({e})")),
            Ok(_) if m.ort_us.is_empty() => notes.push(format!("{name}: no run compared")),
            Ok(_) => {
                let tract: f64 = m.tract_us.iter().sum();
                let ort: f64 = m.ort_us.iter().sum();
                ratios.insert(name.clone(), tract / ort);
                notes.push(format!("{name}: {} runs", m.ort_us.len()));
            }
        }
    }
    let note = format!(
        "tract time over onnxruntime time, summed over the same runs, alternating run by \
         run, {} intra-op thread(s): {}",
        shadow.threads,
        notes.join("; ")
    );
    (ratios, note)
}
