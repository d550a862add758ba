//! The vocabulary every Watchfloor stage shares: source documents, entity
//! mentions, places, dated events with their modality, and the extraction
//! record that is the public output contract (`shared/spec/EXTRACT_JSON.md`).
//!
//! This crate does no I/O; it only names things and (de)serialises them.

mod assessment;
mod document;
mod event;

pub use assessment::{
    Assessment, Change, EvidenceItem, IndexPoint, IndicatorAssessment, IndicatorStatus, Judgement,
};
pub use document::{Document, DocumentFormat};
pub use event::{
    DateSpan, Domain, EntityKind, EntityRecord, EventRecord, EventType, Evidence, ExtractRecord,
    Mention, Modality, PlaceKind, PlaceRecord, RecordDoc, TimePrecision,
};
