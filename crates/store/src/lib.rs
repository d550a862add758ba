//! Watchfloor store (work in progress).
