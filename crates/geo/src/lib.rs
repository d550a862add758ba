//! Watchfloor geo (work in progress).
