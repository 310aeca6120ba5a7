//! Decoding a message from proto3 JSON: [`DecodeError`], serde's error with any risk level
//! left out.
//!
//! Imports serde_json only; must not import the domain, tonic or the generated types.

/// A body or file that is not a valid message in the proto3 JSON mapping, with serde's message
/// and position — except where the message would quote a value sent for a risk level (an
/// unknown `riskLevel` such as `"high"`, or a `RISK_LEVEL_*` name in another field): risk is
/// never echoed in an error (callers log errors), so that value is left out.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct DecodeError {
    message: String,
}

impl From<serde_json::Error> for DecodeError {
    fn from(e: serde_json::Error) -> Self {
        let text = e.to_string();
        let message = if text.contains("RISK_LEVEL_") {
            format!(
                "a value that is not valid there, at line {} column {} (not quoted: it may be a \
                 risk level, which is never echoed); riskLevel takes a RISK_LEVEL_* name of the \
                 RiskLevel enum",
                e.line(),
                e.column()
            )
        } else {
            text
        };
        DecodeError { message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> String {
        let e = serde_json::from_str::<crate::proto::pb::SolveRequest>(json)
            .expect_err("the body is not a valid request");
        DecodeError::from(e).to_string()
    }

    #[test]
    fn an_unknown_risk_level_is_not_echoed() {
        let text = decode(
            r#"{"students": [{"id": "S1", "needs": [{"id": "N1", "riskLevel": "RISK_LEVEL_SEVERE"}]}]}"#,
        );
        assert!(!text.contains("SEVERE"), "{text}");
        assert!(text.contains("never echoed"), "{text}");
        assert!(text.contains("line 1 column"), "{text}");
    }

    #[test]
    fn other_errors_keep_serdes_message() {
        let text = decode(r#"{"students": [{"id": 7}]}"#);
        assert!(text.contains("invalid type"), "{text}");
        assert!(!text.contains("never echoed"), "{text}");
    }
}
