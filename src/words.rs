//! The small words every rendering shares, in the reader's language: track and priority
//! names, weekly slot names, list separators and padding by display width (CJK characters
//! take two columns).
//!
//! Holds: [`Words`], a [`Lang`] with lookups into the catalogue (`crate::i18n`),
//! [`pad_right`] / [`pad_left`], and the hard rules' sentences ([`rules`]). Sits just above the
//! domain, the rules and the catalogue, below the explanations and validation (both quote the
//! rules' sentences); must not import the solver, the explanations or anything that renders.

pub mod rules;

use unicode_width::UnicodeWidthStr;

use crate::domain::slots::{SlotSet, DAYS, PERIODS_PER_DAY};
use crate::domain::{Priority, Track};
use crate::i18n::{tr, trf, Lang};

/// Catalogue lookups for one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    pub lang: Lang,
}

impl Words {
    pub fn new(lang: Lang) -> Self {
        Words { lang }
    }

    /// The message `key`.
    pub fn t(self, key: &'static str) -> &'static str {
        tr(self.lang, key)
    }

    /// The message `key` with its `{name}` placeholders filled.
    pub fn f(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        trf(self.lang, key, args)
    }

    /// The track's short name in sentences ("academic", 学业).
    pub fn track(self, track: Track) -> &'static str {
        self.t(match track {
            Track::Academic => "explain.track.academic",
            Track::Psychological => "explain.track.psychological",
            Track::Talent => "explain.track.talent",
        })
    }

    /// The track's group name in headings ("academic", 学业帮扶组).
    pub fn track_group(self, track: Track) -> &'static str {
        self.t(match track {
            Track::Academic => "common.track.academic",
            Track::Psychological => "common.track.psychological",
            Track::Talent => "common.track.talent",
        })
    }

    /// The priority's name ("urgent", 紧急).
    pub fn priority(self, p: Priority) -> &'static str {
        self.t(match p {
            Priority::Urgent => "common.priority.urgent",
            Priority::High => "common.priority.high",
            Priority::Normal => "common.priority.normal",
            Priority::Low => "common.priority.low",
        })
    }

    /// One weekly slot ("TUE-8", 周二第8节).
    pub fn slot(self, bit: u32) -> String {
        let day = DAYS[((bit / PERIODS_PER_DAY) as usize).min(DAYS.len() - 1)];
        let day = self.t(match day {
            "MON" => "explain.day.mon",
            "TUE" => "explain.day.tue",
            "WED" => "explain.day.wed",
            "THU" => "explain.day.thu",
            "FRI" => "explain.day.fri",
            "SAT" => "explain.day.sat",
            _ => "explain.day.sun",
        });
        self.f(
            "explain.slot",
            &[("day", &day), ("period", &(bit % PERIODS_PER_DAY + 1))],
        )
    }

    /// Slots in week order, separated as the language separates them.
    pub fn slots(self, set: SlotSet) -> String {
        set.bits()
            .map(|b| self.slot(b))
            .collect::<Vec<_>>()
            .join(self.t("explain.sep.slots"))
    }

    /// Items of a list ("a, b", 甲、乙).
    pub fn list<S: AsRef<str>>(self, items: &[S]) -> String {
        join(items, self.t("explain.sep.list"))
    }

    /// Clauses of a sentence ("a; b", 甲；乙).
    pub fn clauses<S: AsRef<str>>(self, items: &[S]) -> String {
        join(items, self.t("explain.sep.clause"))
    }
}

fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Display width: CJK characters count two columns, combining marks none.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `columns` display columns (never cut).
pub fn pad_right(text: &str, columns: usize) -> String {
    let mut out = String::from(text);
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
    out
}

/// Spaces up to `columns` display columns, then `text` (never cut).
pub fn pad_left(text: &str, columns: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', columns.saturating_sub(width(text))).collect();
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_counts_display_columns() {
        assert_eq!(pad_right("S1", 5), "S1   ");
        // Two CJK characters are four columns: one space to five.
        assert_eq!(pad_right("王芳", 5), "王芳 ");
        assert_eq!(width(&pad_right("初二(3)班", 12)), 12);
        assert_eq!(pad_left("#2", 5), "   #2");
        assert_eq!(pad_left("第2", 5), "  第2");
        // Never cut.
        assert_eq!(pad_right("abcdef", 3), "abcdef");
        // What `{:<n}` gives for ASCII, byte for byte.
        assert_eq!(pad_right("T0003", 10), format!("{:<10}", "T0003"));
        assert_eq!(pad_left("-", 5), format!("{:>5}", "-"));
    }

    #[test]
    fn slots_read_in_either_language() {
        let mut set = SlotSet::EMPTY;
        set.insert(7); // MON-8
        set.insert(PERIODS_PER_DAY + 1); // TUE-2
        assert_eq!(Words::new(Lang::En).slots(set), "MON-8 TUE-2");
        assert_eq!(Words::new(Lang::En).slots(set), set.to_string());
        assert_eq!(Words::new(Lang::ZhCn).slots(set), "周一第8节、周二第2节");
    }
}
