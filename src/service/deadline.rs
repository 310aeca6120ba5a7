//! The client's deadline, read from the `grpc-timeout` header (tonic does not hand it to the
//! handler). The service caps the solver's time limit by it, keeping a margin to explain and
//! encode the answer, so a short deadline gets the best plan found rather than an error.

use std::time::{Duration, Instant};

use tonic::metadata::MetadataMap;

/// Parses a `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
pub fn parse_timeout(value: &str) -> Option<Duration> {
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.checked_mul(3600)?),
        "M" => Duration::from_secs(n.checked_mul(60)?),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// The instant the client gives up, if it set a deadline.
pub fn from_metadata(metadata: &MetadataMap) -> Option<Instant> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    Some(Instant::now() + parse_timeout(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit_and_rejects_garbage() {
        assert_eq!(parse_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(parse_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_timeout("10u"), Some(Duration::from_micros(10)));
        assert_eq!(parse_timeout("10n"), Some(Duration::from_nanos(10)));
        assert_eq!(parse_timeout("S"), None);
        assert_eq!(parse_timeout("5x"), None);
        assert_eq!(parse_timeout("123456789S"), None);
    }
}
