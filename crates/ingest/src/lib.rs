//! Watchfloor ingest (work in progress).
