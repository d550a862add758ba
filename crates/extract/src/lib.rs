//! Watchfloor extract (work in progress).
