//! Conformance kit for Ticketmatic request signing: tests an implementation
//! in any language through a small adapter program that speaks the
//! `tm-conformance/1` protocol (JSON Lines over stdin and stdout, see
//! `conformance/PROTOCOL.md`).
//!
//! - [`builtin_vectors`]: the shared and project vectors; [`generate`]: any
//!   number of cases for every rule of the SPEC, deterministic for a seed,
//!   with expected results from the reference ([`mod@reference`]);
//! - [`run()`]: starts an adapter, sends every case, and judges each answer
//!   ([`Verdict`]: pass, acceptable, fail with hints, skipped);
//! - [`render`]: the report as text, JSON or JUnit XML;
//! - [`reference::serve`]: this crate behind the protocol, the reference
//!   adapter.
//!
//! `tm conformance` is the command-line face of this crate.

mod adapter;
mod case;
pub mod defects;
mod elimination;
mod flags;
mod form;
mod generate;
mod hints;
mod html;
pub mod protocol;
pub mod reference;
mod report;
mod run;
mod summary;
mod verdict;

pub use case::{builtin_vectors, parse_vectors, vectors_file, Case, Kind, Vector, FORMAT};
pub use flags::of as flags_of;
pub use generate::{generate, rules, Rule, MAX_GENERATED};
pub use report::{counts_line, render, Format, Origin, DEFAULT_MAX_DETAILS};
pub use run::{run, CaseResult, Counts, Options, Report};
pub use summary::{summarize, Cause, Summary, Tally};
pub use verdict::{judge, Failure, FieldDiff, Payloads, Verdict};
