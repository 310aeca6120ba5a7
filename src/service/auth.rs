//! The bearer-token check, one function for gRPC metadata and HTTP headers alike.
//!
//! Imports nothing from the crate: the server's interceptor and the HTTP routes both call it,
//! so it lives below both (it was in `server.rs`, which made `service` and `server` import
//! each other).

/// Whether an `authorization` value passes the token check: anything when no token is
/// configured, otherwise exactly `Bearer <token>` (gRPC metadata and HTTP headers alike).
pub fn bearer_accepted(expected: Option<&str>, authorization: Option<&str>) -> bool {
    let Some(expected) = expected else {
        return true;
    };
    authorization
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes()))
}

/// Compares a presented token with the expected one in time that does not depend on where
/// they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::bearer_accepted;

    #[test]
    fn only_the_exact_bearer_token_passes_when_one_is_configured() {
        assert!(bearer_accepted(None, None), "no token configured: open");
        assert!(bearer_accepted(Some("s3cret"), Some("Bearer s3cret")));
        assert!(!bearer_accepted(Some("s3cret"), None));
        assert!(!bearer_accepted(Some("s3cret"), Some("Bearer s3cre")));
        assert!(!bearer_accepted(Some("s3cret"), Some("Bearer s3cret ")));
        assert!(!bearer_accepted(Some("s3cret"), Some("bearer s3cret")));
        assert!(!bearer_accepted(Some("s3cret"), Some("s3cret")));
    }
}
