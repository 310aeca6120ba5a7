//! The client's deadline, read from the `grpc-timeout` header (tonic does not hand it to the
//! handler). The service caps the solver's time limit by it, keeping a margin to explain and
//! encode the answer, so a short deadline gets the best plan found rather than an error.
//!
//! Header parsing only (std and tonic): must not import anything else of the crate.

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

/// Parses an HTTP caller's `timeout` (header or query): `500ms`, `10s`, `2m`, `1h`, a bare
/// number of seconds; upper-case units as in `grpc-timeout` (`10S`, `2M`) too, but `m` is
/// minutes here, as people write it. At most a day.
pub fn parse_http_timeout(value: &str) -> Option<Duration> {
    let value = value.trim();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    if number.is_empty() || number.len() > 12 {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    let seconds = match unit {
        "" | "s" | "S" => n,
        "ms" => n / 1000.0,
        "m" | "M" | "min" => n * 60.0,
        "h" | "H" => n * 3600.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0)
        .then(|| Duration::from_secs_f64(seconds))
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

    #[test]
    fn http_timeouts_read_as_people_write_them() {
        assert_eq!(
            parse_http_timeout("500ms"),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_http_timeout("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_http_timeout("10S"), Some(Duration::from_secs(10)));
        assert_eq!(parse_http_timeout("10"), Some(Duration::from_secs(10)));
        assert_eq!(parse_http_timeout("2m"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_http_timeout("1.5s"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_http_timeout("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_http_timeout("0s"), None);
        assert_eq!(parse_http_timeout("soon"), None);
        assert_eq!(parse_http_timeout("5x"), None);
        assert_eq!(parse_http_timeout("2d"), None);
    }
}
