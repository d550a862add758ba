//! Watchfloor geo: where things are and how far apart — the basemap
//! (country and disputed-area polygons), geodesy on the WGS84 ellipsoid,
//! weapon range rings, border distances, and the SVG map.

pub mod basemap;
pub mod borders;
pub mod geodesy;
pub mod map;
pub mod rfc7946;
pub mod rings;
