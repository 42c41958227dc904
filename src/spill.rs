//! Streaming a large input's findings to the reporter while it is still being scanned, so
//! memory stays bounded whatever one input holds (a 2 GB CSV export with millions of rows).
//!
//! The scanning thread installs a sink for the input it works on on its scanner. Whenever an
//! input's pending findings reach `SPILL_AT`, `maybe` hands them to the sink, which prepares
//! them (see `run`) and sends them to the writer, waiting when too many wait there already.
//! Code that nests inputs (archive members) calls `flush` before each member, so an archive's
//! earlier findings are never overtaken by a later member's batch.

use crate::finding::Finding;

/// Pending findings of one input that trigger a batch.
pub const SPILL_AT: usize = 4096;

/// Where a scanning thread's batches go (installed on its [`crate::scan::Scanner`]).
pub type Sink<'a> = Box<dyn FnMut(Vec<Finding>) + Send + 'a>;

/// Hand `findings` to the sink if there are enough of them and a sink is installed.
pub fn maybe(findings: &mut Vec<Finding>, sink: &mut Option<Sink<'_>>) {
    if let (true, Some(sink)) = (findings.len() >= SPILL_AT, sink) {
        // The input goes on: its next batch starts at full size rather than growing to it by
        // doubling, which copies every finding again at each step.
        sink(std::mem::replace(findings, Vec::with_capacity(SPILL_AT)));
    }
}

/// Hand all pending `findings` to the sink, if one is installed.
pub fn flush(findings: &mut Vec<Finding>, sink: &mut Option<Sink<'_>>) {
    if let (false, Some(sink)) = (findings.is_empty(), sink) {
        sink(std::mem::take(findings));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_sink_nothing_moves() {
        let mut v = vec![crate::finding::Finding::default(); SPILL_AT];
        maybe(&mut v, &mut None);
        assert_eq!(v.len(), SPILL_AT);
    }

    #[test]
    fn a_sink_takes_full_batches_and_the_rest_on_flush() {
        let mut got = Vec::new();
        let mut sink: Option<Sink> = Some(Box::new(|batch: Vec<Finding>| got.push(batch.len())));
        let mut v = vec![crate::finding::Finding::default(); SPILL_AT - 1];
        maybe(&mut v, &mut sink);
        v.push(crate::finding::Finding::default());
        maybe(&mut v, &mut sink);
        v.push(crate::finding::Finding::default());
        maybe(&mut v, &mut sink);
        flush(&mut v, &mut sink);
        flush(&mut v, &mut sink);
        drop(sink);
        assert_eq!(got, [SPILL_AT, 1]);
        assert!(v.is_empty());
    }
}
