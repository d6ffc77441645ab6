//! Names people can read for the lexicon's groups: a phonetic group is named by the
//! spelling most of its members share ("ch-: chin, chip, chuck"), a semantic category by
//! its words ("musical instruments").

/// Where in a word the shared spelling sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Prefix,
    Suffix,
    Inside,
}

/// The spelling shared by most of `members`, marked where it sits (`ch-`, `-ous`,
/// `-house-`): among the prefixes, suffixes and inner strings that at least half of the
/// members (and two or more) have, the one covering the most letters (members × length;
/// ties: the one more members have, then a prefix before a suffix before an inner
/// string, then the longer). `None` when nothing is shared.
pub fn shared_spelling<S: AsRef<str>>(members: &[S]) -> Option<String> {
    let words: Vec<Vec<char>> = members
        .iter()
        .map(|m| m.as_ref().to_lowercase().chars().collect())
        .collect();
    let need = words.len().div_ceil(2).max(2);
    let mut best: Option<(usize, usize, Place, Vec<char>)> = None;
    let mut consider = |place: Place, piece: &[char]| {
        let count = words
            .iter()
            .filter(|w| match place {
                Place::Prefix => w.starts_with(piece),
                Place::Suffix => w.ends_with(piece),
                Place::Inside => w.windows(piece.len()).any(|x| x == piece),
            })
            .count();
        if count < need {
            return;
        }
        let score = count * piece.len();
        let better = match &best {
            None => true,
            Some((s, c, p, b)) => {
                (score, count, std::cmp::Reverse(place), piece.len())
                    > (*s, *c, std::cmp::Reverse(*p), b.len())
            }
        };
        if better {
            best = Some((score, count, place, piece.to_vec()));
        }
    };
    for w in &words {
        for len in 1..=w.len() {
            consider(Place::Prefix, &w[..len]);
            consider(Place::Suffix, &w[w.len() - len..]);
            for start in 0..=w.len() - len {
                consider(Place::Inside, &w[start..start + len]);
            }
        }
    }
    best.map(|(_, _, place, piece)| {
        let piece: String = piece.into_iter().collect();
        match place {
            Place::Prefix => format!("{piece}-"),
            Place::Suffix => format!("-{piece}"),
            Place::Inside => format!("-{piece}-"),
        }
    })
}

/// The members that have the shared spelling `name` (as [`shared_spelling`] marks it),
/// in their order; every member when `name` is not such a mark.
pub fn members_with<'a, S: AsRef<str>>(name: &str, members: &'a [S]) -> Vec<&'a str> {
    let all = || members.iter().map(AsRef::as_ref).collect();
    let (head, tail) = (name.strip_prefix('-'), name.strip_suffix('-'));
    let keep: Box<dyn Fn(&str) -> bool> = match (head, tail) {
        (Some(h), _) if h.ends_with('-') => {
            let inner = h.trim_end_matches('-').to_string();
            Box::new(move |w: &str| w.contains(&inner))
        }
        (Some(h), _) => {
            let h = h.to_string();
            Box::new(move |w: &str| w.ends_with(&h))
        }
        (None, Some(t)) => {
            let t = t.to_string();
            Box::new(move |w: &str| w.starts_with(&t))
        }
        (None, None) => return all(),
    };
    members
        .iter()
        .map(AsRef::as_ref)
        .filter(|w| keep(&w.to_lowercase()))
        .collect()
}

/// A category identifier as words: `musical_instruments` → `musical instruments`.
pub fn category_name(id: &str) -> String {
    id.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_named_by_the_spelling_they_share() {
        let name = |m: &[&str]| shared_spelling(m).unwrap();
        assert_eq!(
            name(&["chin", "chip", "chuck", "chum", "chug", "hymn"]),
            "ch-"
        );
        assert_eq!(
            name(&["handshake", "handbrake", "handbook", "handmaid", "handmade"]),
            "hand-"
        );
        assert_eq!(
            name(&["coyness", "heinous", "famous", "cautious", "focal"]),
            "-ous"
        );
        assert_eq!(
            name(&[
                "hothouse",
                "chophouse",
                "courthouse",
                "harness",
                "houseboat"
            ]),
            "-house-"
        );
        assert_eq!(
            name(&["lap", "map", "cap", "lamb", "latch", "lawn", "pal", "dam"]),
            "-a-"
        );
        assert_eq!(shared_spelling(&["ox", "bee"]), None);
        assert_eq!(shared_spelling::<&str>(&[]), None);
    }

    #[test]
    fn the_members_listed_are_those_with_the_shared_spelling() {
        let m = ["chin", "hymn", "chip"];
        assert_eq!(members_with("ch-", &m), ["chin", "chip"]);
        assert_eq!(members_with("-ip", &m), ["chip"]);
        assert_eq!(members_with("-hi-", &m), ["chin", "chip"]);
        assert_eq!(members_with("conc_3", &m), m);
        assert_eq!(category_name("musical_instruments"), "musical instruments");
    }
}
