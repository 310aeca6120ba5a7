//! Compiles the protos without a system `protoc` (a fresh machine has none): protox parses
//! them into a descriptor set, tonic-prost-build generates the messages and service, and
//! pbjson-build generates serde impls that follow the proto3 JSON mapping, so the CLI reads and
//! writes exactly what a gRPC JSON client would.
use std::path::PathBuf;

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let fds = protox::compile(["mentormatch/v1/mentormatch.proto"], ["proto"])?;
    let descriptor_path = out_dir.join("mentormatch_descriptor.bin");
    std::fs::write(&descriptor_path, fds.encode_to_vec())?;

    tonic_prost_build::configure().compile_fds(fds)?;

    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptor_path)?)?
        .build(&[".mentormatch.v1"])?;
    Ok(())
}
