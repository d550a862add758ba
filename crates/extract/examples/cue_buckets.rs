//! Prints the largest cue buckets of the compiled rules (diagnostics).
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let k = watchfloor_extract::Knowledge::embedded()?;
    println!("event cues: {:?}", &k.events.cues.bucket_sizes()[..15]);
    println!("modality cues: {:?}", &k.modality.cues.bucket_sizes()[..15]);
    Ok(())
}
