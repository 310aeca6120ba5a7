//! Inline SVG charts for the printable report: horizontal bars (coverage, preference
//! satisfaction) and vertical bars (the mentor-load histogram). Text inherits the page's
//! font, so CJK labels render with the page's CJK font stack.
//!
//! Holds: [`Bar`], [`hbars`], [`vbars`]. Labels are escaped here; the caller passes plain text.
//! Must not import the solver, the service or the catalogue: it draws what it is given.

use std::fmt::Write as _;

use super::escape::esc;

/// One bar: its label, its length as a share of the chart's scale, and the figure written
/// beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    /// 0.0 ..= 1.0 of the scale.
    pub share: f64,
    pub text: String,
    /// A CSS class for the fill (`fill-a`, `fill-b`, …).
    pub class: &'static str,
}

const ROW: u32 = 22;
const LABEL: u32 = 200;
const TRACK: u32 = 370;

fn share(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Horizontal bars, one row each, with the label on the left and the figure on the right.
pub fn hbars(title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len() as u32 + 4;
    let width = LABEL + TRACK + 130;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title>{}</title>",
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as u32 * ROW + 2;
        let fill = (share(b.share) * f64::from(TRACK)).round();
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"track\" x=\"{LABEL}\" y=\"{}\" width=\"{TRACK}\" height=\"{}\"></rect>\
             <rect class=\"{}\" x=\"{LABEL}\" y=\"{}\" width=\"{fill}\" height=\"{}\"></rect>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            LABEL - 8,
            y + 15,
            esc(&b.label),
            y + 3,
            ROW - 6,
            b.class,
            y + 3,
            ROW - 6,
            LABEL + TRACK + 8,
            y + 15,
            esc(&b.text)
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical bars (a histogram): the label under each bar, the figure above it.
pub fn vbars(title: &str, bars: &[Bar]) -> String {
    const COL: u32 = 64;
    const PLOT: u32 = 160;
    let width = COL * bars.len() as u32 + 20;
    let height = PLOT + 50;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\"><title>{}</title>",
        esc(title)
    );
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"10\" y1=\"{}\" x2=\"{}\" y2=\"{}\"></line>",
        PLOT + 20,
        width - 10,
        PLOT + 20
    );
    for (i, b) in bars.iter().enumerate() {
        let x = 10 + i as u32 * COL + 12;
        let h = (share(b.share) * f64::from(PLOT)).round() as u32;
        let top = PLOT + 20 - h;
        let _ = write!(
            out,
            "<rect class=\"{}\" x=\"{x}\" y=\"{top}\" width=\"{}\" height=\"{h}\"></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            b.class,
            COL - 24,
            x + (COL - 24) / 2,
            top.saturating_sub(4),
            esc(&b.text),
            x + (COL - 24) / 2,
            PLOT + 38,
            esc(&b.label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_and_escape() {
        let bars = [
            Bar {
                label: "<b>".into(),
                share: 0.5,
                text: "1/2".into(),
                class: "fill-a",
            },
            Bar {
                label: "x".into(),
                share: f64::NAN,
                text: "0".into(),
                class: "fill-b",
            },
        ];
        let svg = hbars("t", &bars);
        assert!(svg.contains("width=\"185\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("width=\"0\""));
        let svg = vbars("t", &bars);
        assert!(svg.contains("height=\"80\""), "{svg}");
    }
}
