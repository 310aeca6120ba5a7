//! The edge between protobuf and the domain: the generated types ([`pb`]), and the one place
//! that converts requests into the domain's raw input and explained results back into
//! responses. Nothing else in the crate touches generated code.
//!
//! One file per direction and subject: `request` (proto → raw request, and the `locale`
//! field), `request_out` (raw request → proto, to write a school back as a message),
//! `response` (a solve's explained plan → response, with `misses`, `stability` and
//! `shortage` for its sections), `rematch` and `whatif` (both directions of their
//! messages), `enums` (the scalar enums, both ways) and `decode` (JSON decoding errors).
//! The public functions are re-exported here, so `crate::proto::response` and the like keep
//! their paths.
//!
//! Reads the inner layers (domain, rules, score, solver, explain) and the rematch's and
//! what-if's types; must not import the engine, the service or the CLI, which call it. No tonic beyond
//! the generated types: status codes are the service layer's.

mod decode;
mod enums;
mod misses;
mod rematch;
mod request;
mod request_out;
mod response;
mod shortage;
mod stability;
mod whatif;

pub use decode::DecodeError;
pub use rematch::{rematch_response, rematch_response_in};
pub use request::locale;
pub use response::{response, response_in, violation};
pub use whatif::{whatif_response, whatif_response_in};

/// Generated protobuf types with proto3-JSON serde impls.
#[allow(clippy::all, missing_docs)]
pub mod pb {
    tonic::include_proto!("mentormatch.v1");
    include!(concat!(env!("OUT_DIR"), "/mentormatch.v1.serde.rs"));

    /// Encoded descriptor set, for server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/mentormatch_descriptor.bin"));
}
