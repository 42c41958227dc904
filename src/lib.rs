//! piiscan finds personal data in source trees, logs and exports, and classifies each finding
//! into the categories of personal information a privacy policy declares.
//!
//! The pipeline, one module per stage: [`discover`] -> [`read`] -> [`scan`] -> [`judge`] ->
//! [`report`], driven by [`run`]. See docs/ARCHITECTURE.md.

pub mod cli;
pub mod commands;
pub mod baseline;
pub mod config;
pub mod config_file;
pub mod discover;
pub mod finding;
pub mod git;
pub mod generated;
pub mod judge;
pub mod read;
pub mod report;
pub mod rules;
pub mod run;
pub mod scan;
pub mod search;
pub mod suppress;
pub mod validate;
