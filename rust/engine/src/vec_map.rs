//! A small ordered map: a vector of `(key, boxed value)` sorted by key.
//!
//! The token keeps a few sessions, objects and stored records (the configured limits are in the
//! tens), so binary search over one vector does what `BTreeMap` did (ordered iteration,
//! logarithmic lookup) with a small fraction of its code, which on a device is flash.
//! Handles and record ids only grow, so an insertion lands at the end. Values are boxed: a
//! value never moves once stored (a growing or shifting vector moves only the pointers), so
//! no copy of an object's secret is left behind in memory that is freed without zeroizing.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// Map from `K` to `V` in key order.
pub struct VecMap<K, V> {
    entries: Vec<(K, Box<V>)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord + Copy, V> VecMap<K, V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }

    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn position(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        let i = self.position(key).ok()?;
        Some(&self.entries[i].1)
    }

    /// The value of `key`, mutable.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let i = self.position(key).ok()?;
        Some(&mut self.entries[i].1)
    }

    /// Sets the value of `key`; returns whether it replaced one. A replaced value is dropped in
    /// its box and the new one takes its place there (nothing is moved out to be returned).
    pub fn insert(&mut self, key: K, value: V) -> bool {
        match self.position(&key) {
            Ok(i) => {
                *self.entries[i].1 = value;
                true
            }
            Err(i) => {
                self.entries.insert(i, (key, Box::new(value)));
                false
            }
        }
    }

    /// Removes `key`; returns whether it was there. The value is dropped where it is, in its
    /// box: not moved out (which would leave a copy on the stack and take code to make one).
    pub fn remove(&mut self, key: &K) -> bool {
        match self.position(key) {
            Ok(i) => {
                self.entries.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Keeps only the entries for which `keep` returns true (in key order).
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Gives the entries for which `pick` is true new keys from `next_key`, in key order. The
    /// new keys must be larger than every key in the map (the token's handles only grow), so
    /// those entries move to the end in the same order, their values staying in their boxes.
    pub fn rekey(&mut self, mut pick: impl FnMut(&V) -> bool, mut next_key: impl FnMut() -> K) {
        let mut i = 0;
        let mut unvisited = self.entries.len();
        while i < unvisited {
            if pick(&self.entries[i].1) {
                let (_, value) = self.entries.remove(i);
                let key = next_key();
                debug_assert!(self.entries.last().is_none_or(|(k, _)| *k < key));
                self.entries.push((key, value));
                unvisited -= 1;
            } else {
                i += 1;
            }
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, &**v))
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| &**v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn pairs(m: &VecMap<u32, u32>) -> Vec<(u32, u32)> {
        m.iter().map(|(k, v)| (*k, *v)).collect()
    }

    #[test]
    fn behaves_like_an_ordered_map() {
        let mut m = VecMap::new();
        assert!(m.is_empty());
        assert!(!m.insert(5, 50));
        assert!(!m.insert(1, 10));
        assert!(!m.insert(9, 90));
        assert!(!m.insert(3, 30));
        assert_eq!(m.get(&5), Some(&50));
        assert!(m.insert(5, 55));
        assert_eq!(pairs(&m), vec![(1, 10), (3, 30), (5, 55), (9, 90)]);
        assert_eq!(m.len(), 4);
        assert_eq!(m.get(&3), Some(&30));
        assert_eq!(m.get(&4), None);
        *m.get_mut(&9).unwrap() += 1;
        assert_eq!(m.get(&9), Some(&91));
        assert!(m.get_mut(&2).is_none());
        assert_eq!(m.get(&3), Some(&30));
        assert!(m.remove(&3));
        assert!(!m.remove(&3));
        assert_eq!(m.get(&3), None);
        assert_eq!(m.values().copied().collect::<Vec<_>>(), vec![10, 55, 91]);
        m.retain(|k, v| {
            *v += 1;
            *k != 5
        });
        assert_eq!(pairs(&m), vec![(1, 11), (9, 92)]);
        m.insert(4, 40);
        let mut next = 10;
        m.rekey(
            |v| *v != 40,
            || {
                next += 1;
                next
            },
        );
        assert_eq!(pairs(&m), vec![(4, 40), (11, 11), (12, 92)]);
        m.clear();
        assert!(m.is_empty());
        assert!(!m.remove(&1));
    }

    #[test]
    fn matches_btree_map_on_a_random_sequence() {
        let mut m = VecMap::new();
        let mut reference = alloc::collections::BTreeMap::new();
        let mut x: u32 = 12345;
        for _ in 0..2000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let key = (x >> 16) % 64;
            match (x >> 8) % 4 {
                0 | 1 => {
                    assert_eq!(m.get(&key), reference.get(&key));
                    let replaced = reference.insert(key, x).is_some();
                    assert_eq!(m.insert(key, x), replaced);
                }
                2 => {
                    let removed = reference.remove(&key);
                    assert_eq!(m.get(&key), removed.as_ref());
                    assert_eq!(m.remove(&key), removed.is_some());
                }
                _ => assert_eq!(m.get(&key), reference.get(&key)),
            }
            assert_eq!(m.len(), reference.len());
        }
        let want: Vec<(u32, u32)> = reference.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(pairs(&m), want);
    }
}
