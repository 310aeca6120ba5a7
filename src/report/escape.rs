//! HTML escaping: every string that came from a request (ids, class names, subjects, scenario
//! names) goes through [`esc`] before it reaches the page.
//!
//! Holds: [`esc`]. Must not import anything else of the crate.

/// `text` with `& < > " '` replaced by character references, so it is inert in element content
/// and in quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_is_inert() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("初二(3)班"), "初二(3)班");
    }
}
