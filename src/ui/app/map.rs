//! The 2-D map of the selected encoder and layer: every word's vector, projected by PCA
//! (axes kept stable as words arrive).

use super::{App, MapPoint, WordView};
use crate::ui::pca;

impl App {
    /// Recomputes the map for the selected encoder and layer.
    pub fn refresh_map(&mut self) {
        let Some(enc) = self.selected_encoder().map(|e| e.name.clone()) else {
            self.map.clear();
            return;
        };
        let layer = self.layer();
        let latest = self.latest().map(|w| w.index);
        let mut rows: Vec<&[f32]> = Vec::new();
        let mut who: Vec<&WordView> = Vec::new();
        for w in &self.words {
            if let Some(Some(v)) = w.vectors.get(&enc).and_then(|l| l.get(layer)) {
                rows.push(v);
                who.push(w);
            }
        }
        let key = (self.encoder, layer);
        let seed = self
            .map_axes
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, a)| a);
        let (pts, axes) = pca::project(&rows, seed);
        let map = pts
            .iter()
            .zip(&who)
            .map(|(p, w)| {
                let g = w.label.as_deref().and_then(|l| self.groups.get(l));
                MapPoint {
                    x: p[0],
                    y: p[1],
                    label: w.name(),
                    category: g
                        .and_then(|g| g.semantic.as_deref())
                        .and_then(|c| self.groups.category_index(c)),
                    group: g
                        .and_then(|g| g.phonetic.as_deref())
                        .and_then(|c| self.groups.phonetic_index(c)),
                    latest: Some(w.index) == latest && !w.reference,
                    reference: w.reference,
                }
            })
            .collect();
        self.map = map;
        self.map_axes = Some((key, axes));
    }
}
