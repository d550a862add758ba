//! Rebuilds when a dashboard asset is added or changed (they are compiled
//! into the binary).
fn main() {
    println!("cargo:rerun-if-changed=assets");
    println!("cargo:rerun-if-changed=../../data/basemap");
}
