//! Watchfloor assess (work in progress).
