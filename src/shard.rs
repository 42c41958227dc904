//! Deterministic sharding: `--shard K/N` gives each discovered input to exactly one of N
//! workers (a Kubernetes Indexed Job, a CI matrix), the same way on every machine.
//!
//! An input belongs to shard `fnv1a64(path) % N` (0-based), where `path` is its path relative
//! to the scan root it was found under (`/`-separated; as given for a single named file), and
//! fnv1a64 is the 64-bit FNV-1a hash (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of
//! the path's UTF-8 bytes. Never Rust's randomised default hasher: every worker must agree.

use std::path::Path;

/// This worker's share: `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parse the 1-based `K/N` form of `--shard`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: use K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard {
            index: k - 1,
            count: n,
        })
    }

    /// From `--shard-index I --shard-count N` (0-based), or `JOB_COMPLETION_INDEX` when the
    /// index is not given (Kubernetes Indexed Jobs set it).
    pub fn from_index(
        index: Option<u64>,
        count: u64,
        env_index: Option<String>,
    ) -> Result<Shard, String> {
        let index = match index {
            Some(i) => i,
            None => env_index
                .ok_or("--shard-count needs --shard-index or the JOB_COMPLETION_INDEX variable")?
                .trim()
                .parse()
                .map_err(|_| "JOB_COMPLETION_INDEX is not a number".to_string())?,
        };
        if count == 0 || index >= count {
            return Err(format!(
                "shard index {index} is not below the shard count {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    pub fn owns(&self, relative_path: &str) -> bool {
        fnv1a64(relative_path.as_bytes()) % self.count == self.index
    }
}

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `display` relative to whichever of `roots` it was found under.
pub fn relative_to_root<'a>(display: &'a str, roots: &[impl AsRef<Path>]) -> &'a str {
    for root in roots {
        let root = crate::discover::display_path(root.as_ref());
        let root = root.trim_end_matches('/');
        if root.is_empty() || root == "." {
            continue;
        }
        if let Some(rest) = display.strip_prefix(root) {
            if let Some(rest) = rest.strip_prefix('/') {
                return rest;
            }
        }
    }
    display
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_reference_vectors() {
        // Published FNV-1a 64-bit test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn parse_forms() {
        assert_eq!(Shard::parse("1/4"), Ok(Shard { index: 0, count: 4 }));
        assert_eq!(Shard::parse("4/4"), Ok(Shard { index: 3, count: 4 }));
        for bad in ["0/4", "5/4", "x", "1/0", "1/"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Shard::from_index(None, 3, Some("2".into())),
            Ok(Shard { index: 2, count: 3 })
        );
        assert!(Shard::from_index(None, 3, None).is_err());
        assert!(Shard::from_index(Some(3), 3, None).is_err());
    }

    #[test]
    fn every_path_has_exactly_one_shard() {
        for n in 1..6 {
            for p in ["a.log", "logs/b.log", "é/c.csv", ""] {
                let owners = (0..n)
                    .filter(|&i| Shard { index: i, count: n }.owns(p))
                    .count();
                assert_eq!(owners, 1);
            }
        }
    }

    #[test]
    fn paths_are_taken_relative_to_their_root() {
        assert_eq!(relative_to_root("logs/a/b.log", &["logs"]), "a/b.log");
        assert_eq!(relative_to_root("logs/a/b.log", &["logs/"]), "a/b.log");
        assert_eq!(relative_to_root("/data/x.csv", &["/data"]), "x.csv");
        assert_eq!(relative_to_root("a.log", &["."]), "a.log");
        assert_eq!(relative_to_root("logsx/a", &["logs"]), "logsx/a");
    }
}
