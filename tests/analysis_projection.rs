//! The paper's projected silhouettes equal scikit-learn's: LDA (`svd` solver) and 8-component
//! PCA fitted on the words they score, Euclidean silhouette, on real vectors — the bundled
//! MiniLM table clustered by the paper's categories and groups, with fewer words than
//! dimensions (384) and more (the first 40), whole and with one cluster left out. Fixture:
//! scripts/analyze/make_projection_fixtures.py.

mod common;

use groundprobe::analysis::projection::projected;
use groundprobe::probe::{Lexicon, TextTable};
use serde_json::Value;

#[test]
fn lda_and_pca_silhouettes_equal_scikit_learn() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/analysis/projection.json"
    );
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let table = TextTable::load("minilm", &common::models().join("text/minilm_l6.npy")).unwrap();
    let lexicon = Lexicon::paper();
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let semantic = case["kind"] == "semantic";
        let dims = case["dims"].as_u64().unwrap() as usize;
        let left_out = case["left_out"].as_str();
        let (mut rows, mut labels) = (Vec::new(), Vec::new());
        for (i, word) in table.words().iter().enumerate() {
            let cluster = if semantic {
                lexicon.semantic_category(word)
            } else {
                lexicon.phonetic_group(word)
            };
            let Some(cluster) = cluster.filter(|&c| Some(c) != left_out) else {
                continue;
            };
            rows.push(&table.row(i)[..dims]);
            labels.push(cluster.to_string());
        }
        assert_eq!(rows.len() as u64, case["words"].as_u64().unwrap(), "{case}");
        let mut names = labels.clone();
        names.sort();
        names.dedup();
        let ids: Vec<usize> = (labels.iter())
            .map(|l| names.binary_search(l).unwrap())
            .collect();
        let p = projected(&rows, &ids);
        for (what, ours) in [("lda", p.lda), ("pca", p.pca)] {
            let ours = ours.unwrap_or_else(|| panic!("{what} undefined: {case}"));
            let theirs = case[what].as_f64().unwrap();
            assert!(
                (ours - theirs).abs() < 1e-6,
                "{what}: {ours} vs scikit-learn {theirs} ({case})"
            );
        }
    }
}
