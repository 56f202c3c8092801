//! A bounded, thread-safe memo of values worked out from text: the runtime parses the
//! same few expressions and compiles the same few patterns of a blueprint on every
//! request, and does each once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// How many entries a memo keeps before it starts afresh (a process serving many
/// blueprints over days stays small).
const LIMIT: usize = 4096;

/// Values by the text they were made from; `None` remembers that the text gave nothing.
pub struct Memo<T> {
    entries: RwLock<HashMap<String, Option<Arc<T>>>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<T> Memo<T> {
    /// The value for `key`, made by `make` the first time.
    pub fn get(&self, key: &str, make: impl FnOnce(&str) -> Option<T>) -> Option<Arc<T>> {
        if let Some(found) = self
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
        {
            return found.clone();
        }
        let made = make(key).map(Arc::new);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= LIMIT {
            entries.clear();
        }
        entries.insert(key.to_string(), made.clone());
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_each_value_once() {
        let memo = Memo::<usize>::default();
        let mut made = 0;
        for _ in 0..3 {
            assert_eq!(
                memo.get("abc", |k| {
                    made += 1;
                    Some(k.len())
                })
                .as_deref(),
                Some(&3)
            );
        }
        assert_eq!(made, 1);
        assert!(memo.get("", |_| None).is_none());
    }
}
