//! Streaming a large input's findings to the reporter while it is still being scanned, so
//! memory stays bounded whatever one input holds (a 2 GB CSV export with millions of rows).
//!
//! The scanning thread installs a sink for the input it works on (`with_sink`). Whenever an
//! input's pending findings reach `SPILL_AT`, `maybe` hands them to the sink, which waits until
//! that input is the next one to be written (so output order is kept) and sends the batch to
//! the writer. Code that nests inputs (archive members) calls `flush` before each member, so
//! an archive's earlier findings are never overtaken by a later member's batch.

use std::cell::RefCell;

use crate::finding::Finding;

/// Pending findings of one input that trigger a batch.
pub const SPILL_AT: usize = 4096;

type Sink = Box<dyn FnMut(Vec<Finding>)>;

thread_local! {
    static SINK: RefCell<Option<Sink>> = const { RefCell::new(None) };
}

/// Run `f` with `sink` receiving this thread's spilled batches.
pub fn with_sink<R>(sink: impl FnMut(Vec<Finding>) + 'static, f: impl FnOnce() -> R) -> R {
    /// Removes the sink when `f` returns or unwinds.
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            SINK.with(|s| s.borrow_mut().take());
        }
    }
    SINK.with(|s| *s.borrow_mut() = Some(Box::new(sink)));
    let _guard = Guard;
    f()
}

/// Hand `findings` to the sink if there are enough of them and a sink is installed.
pub fn maybe(findings: &mut Vec<Finding>) {
    if findings.len() >= SPILL_AT {
        flush(findings);
    }
}

/// Hand all pending `findings` to the sink, if one is installed.
pub fn flush(findings: &mut Vec<Finding>) {
    if findings.is_empty() {
        return;
    }
    SINK.with(|s| {
        if let Some(sink) = s.borrow_mut().as_mut() {
            sink(std::mem::take(findings));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_sink_nothing_moves() {
        let mut v = Vec::new();
        flush(&mut v);
        assert!(v.is_empty());
    }
}
