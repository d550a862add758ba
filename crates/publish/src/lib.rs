//! Watchfloor publish (work in progress).
