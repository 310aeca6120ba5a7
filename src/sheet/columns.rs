//! The layout of a school workbook as data: which sheets there are, their columns, what each
//! column holds, the dropdown labels of enumerations and the policy settings. Reading, writing
//! and the template all follow this one table, so a column is added in one place.
//!
//! Holds no I/O. Imports only [`crate::i18n`]: the headers and labels come from the catalogue
//! (`locales/<lang>/sheet.toml`), and a header is recognised in every language.
//!
//! Must not import the domain, the solver, the explanations or the service (the unit tests
//! alone read the protobuf enums, to check the label table against them).

use crate::i18n::{tr, Lang};

/// A sheet the engine reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SheetKind {
    Students,
    Needs,
    Mentors,
    Teaching,
    Coaching,
    Preferences,
    PairRules,
    Policy,
    Pairs,
    Notes,
    Unassigned,
    WhyNot,
    Loads,
    Summary,
    Changes,
}

impl SheetKind {
    /// The sheets of a request, in workbook order.
    pub const INPUT: [SheetKind; 8] = [
        SheetKind::Students,
        SheetKind::Needs,
        SheetKind::Mentors,
        SheetKind::Teaching,
        SheetKind::Coaching,
        SheetKind::Preferences,
        SheetKind::PairRules,
        SheetKind::Policy,
    ];

    const ALL: [SheetKind; 15] = [
        SheetKind::Students,
        SheetKind::Needs,
        SheetKind::Mentors,
        SheetKind::Teaching,
        SheetKind::Coaching,
        SheetKind::Preferences,
        SheetKind::PairRules,
        SheetKind::Policy,
        SheetKind::Pairs,
        SheetKind::Notes,
        SheetKind::Unassigned,
        SheetKind::WhyNot,
        SheetKind::Loads,
        SheetKind::Summary,
        SheetKind::Changes,
    ];

    /// The catalogue key, also accepted as a sheet name (and the CSV file stem).
    pub fn key(self) -> &'static str {
        match self {
            SheetKind::Students => "students",
            SheetKind::Needs => "needs",
            SheetKind::Mentors => "mentors",
            SheetKind::Teaching => "teaching",
            SheetKind::Coaching => "coaching",
            SheetKind::Preferences => "preferences",
            SheetKind::PairRules => "pair_rules",
            SheetKind::Policy => "policy",
            SheetKind::Pairs => "pairs",
            SheetKind::Notes => "notes",
            SheetKind::Unassigned => "unassigned",
            SheetKind::WhyNot => "why_not",
            SheetKind::Loads => "loads",
            SheetKind::Summary => "summary",
            SheetKind::Changes => "changes",
        }
    }

    /// The sheet's name in `lang`.
    pub fn name(self, lang: Lang) -> String {
        tr(lang, &format!("sheet.sheets.{}", self.key())).to_string()
    }

    /// Sheets a request cannot do without; the others may be left out (read as empty).
    pub fn required(self) -> bool {
        matches!(
            self,
            SheetKind::Students | SheetKind::Needs | SheetKind::Mentors
        )
    }

    /// The sheet a name stands for, in any language (trimmed, case-insensitive; `_` and
    /// spaces alike).
    pub fn find(name: &str) -> Option<SheetKind> {
        let wanted = normalize(name);
        SheetKind::ALL.into_iter().find(|k| {
            normalize(k.key()) == wanted
                || Lang::ALL
                    .into_iter()
                    .any(|lang| normalize(&k.name(lang)) == wanted)
        })
    }

    /// The columns of this sheet, in order.
    ///
    /// Long because it is the layout itself: one table per sheet, one line per column, read
    /// top to bottom like the workbook; splitting it would scatter the one place a column is
    /// added.
    pub fn columns(self) -> &'static [Col] {
        use Kind::*;
        // A struct literal (not a call) so each table is a promoted constant.
        macro_rules! c {
            ($key:expr, $kind:expr, $required:expr) => {
                Col {
                    key: $key,
                    kind: $kind,
                    required: $required,
                }
            };
        }
        // Columns for people only (the plan's sheets), ignored on import.
        macro_rules! info {
            ($($key:expr),* $(,)?) => {
                [$(c!($key, Info, false)),*]
            };
        }
        match self {
            SheetKind::Students => &[
                c!("id", Text, true),
                c!("grade", Whole, false),
                c!("class", Text, false),
                c!("gender", Text, false),
                c!("family_hardship", Bool, false),
                c!("availability", List, false),
                c!("traits", List, false),
            ],
            SheetKind::Needs => &[
                c!("student_id", Text, true),
                c!("need_id", Text, true),
                c!("track", Label(Labels::Track), true),
                c!("subject", Text, false),
                c!("priority", Label(Labels::Priority), false),
                c!("weak_points", List, false),
                c!("risk_level", Label(Labels::Risk), false),
            ],
            SheetKind::Mentors => &[
                c!("id", Text, true),
                c!("role", Label(Labels::Role), false),
                c!("grade", Whole, false),
                c!("capacity", Whole, true),
                c!("tracks", LabelList(Labels::Track), false),
                c!("availability", List, false),
                c!("head_of_classes", List, false),
                c!("traits", List, false),
                c!("certificate", Bool, false),
                c!("trained", Bool, false),
                c!("counselling_years", Whole, false),
                c!("counselling_topics", List, false),
            ],
            SheetKind::Teaching => &[
                c!("mentor_id", Text, true),
                c!("subject", Text, true),
                c!("years", Whole, false),
                c!("topics", List, false),
            ],
            SheetKind::Coaching => &[
                c!("mentor_id", Text, true),
                c!("domain", Text, true),
                c!("competitions", Whole, false),
                c!("topics", List, false),
            ],
            SheetKind::Preferences => &[
                c!("student_id", Text, true),
                c!("mentor_id", Text, true),
                c!("student_rank", Whole, false),
                c!("mentor_rank", Whole, false),
            ],
            SheetKind::PairRules => &[
                c!("student_id", Text, true),
                c!("mentor_id", Text, true),
                c!("rule", Label(Labels::Rule), true),
                c!("score", Number, false),
            ],
            SheetKind::Policy => &[c!("setting", Text, true), c!("value", Info, true)],
            // The plan's pairs: read back (ids, needs, evaluation) by the mid-year rematch;
            // the other columns are for people and ignored on import.
            SheetKind::Pairs => &[
                c!("student_id", Text, true),
                c!("class", Info, false),
                c!("mentor_id", Text, true),
                c!("need_ids", List, false),
                c!("needs_covered", Info, false),
                c!("qualification", Info, false),
                c!("student_rank", Info, false),
                c!("mentor_rank", Info, false),
                c!("common_slots", Info, false),
                c!("score", Info, false),
                c!("locked", Info, false),
                c!("evaluation", Label(Labels::Evaluation), false),
            ],
            SheetKind::Notes => &info!("sheet", "column", "meaning"),
            SheetKind::Unassigned => &info!(
                "student_id",
                "class", "need_id", "need", "priority", "reason", "explanation", "mentors"
            ),
            SheetKind::WhyNot => &info!(
                "student_id",
                "best_rank", "mentor_id", "rank", "reason", "explanation", "forcing"
            ),
            SheetKind::Loads => &info!("mentor_id", "role", "capacity", "load", "students", "idle"),
            SheetKind::Summary => &info!("item", "value"),
            SheetKind::Changes => &info!(
                "kind",
                "reason", "student_id", "from_mentor", "to_mentor", "need_ids", "detail", "seats"
            ),
        }
    }

    /// A column's header in `lang`.
    pub fn header(self, key: &str, lang: Lang) -> String {
        tr(lang, &format!("sheet.{}.{key}", self.key())).to_string()
    }

    /// The column a header stands for, in any language.
    pub fn find_column(self, header: &str) -> Option<&'static Col> {
        let wanted = normalize(header);
        self.columns().iter().find(|c| {
            normalize(c.key) == wanted
                || Lang::ALL
                    .into_iter()
                    .any(|lang| normalize(&self.header(c.key, lang)) == wanted)
        })
    }
}

/// Trimmed, lower case, `_` as a space, inner runs of spaces as one.
pub fn normalize(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .replace(['_', '\u{3000}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One column: its catalogue key, what its cells hold, and whether the sheet needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    pub key: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// What a column's cells hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text; a number is read as its digits (ids typed as numbers).
    Text,
    /// A whole number ≥ 0; a number stored as text is accepted.
    Whole,
    /// Any number.
    Number,
    /// yes / no in any language (also true/false, 1/0).
    Bool,
    /// One label of an enumeration (dropdown).
    Label(Labels),
    /// A comma-separated list of labels.
    LabelList(Labels),
    /// A comma-separated list of texts.
    List,
    /// For people only; never read.
    Info,
}

/// An enumeration shown as labels in the chosen language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Labels {
    Track,
    Priority,
    Role,
    Risk,
    Credential,
    Evaluation,
    Rule,
    Keep,
    Bool,
}

impl Labels {
    /// (catalogue key, proto number) of each value; the proto name is the enumeration's
    /// prefix followed by the key in upper case (`TRACK_` + `ACADEMIC`).
    pub fn options(self) -> &'static [(&'static str, i32)] {
        match self {
            Labels::Track => &[("academic", 1), ("psychological", 2), ("talent", 3)],
            Labels::Priority => &[("urgent", 4), ("high", 3), ("normal", 2), ("low", 1)],
            Labels::Role => &[
                ("head_teacher", 1),
                ("subject_teacher", 2),
                ("administrator", 3),
                ("teaching_assistant", 4),
                ("external_counsellor", 5),
                ("peer_student", 6),
            ],
            Labels::Risk => &[("low", 1), ("medium", 2), ("high", 3), ("crisis", 4)],
            Labels::Credential => &[("track_rule", 1), ("certificate", 2), ("referral", 3)],
            Labels::Evaluation => &[("working", 1), ("not_working", 2), ("ended", 3)],
            Labels::Rule => &[("locked", 1), ("forbidden", 2), ("affinity", 3)],
            Labels::Keep => &[("lock", 1), ("penalty", 2)],
            Labels::Bool => &[("yes", 1), ("no", 0)],
        }
    }

    /// What the proto names of this enumeration start with (`yes`/`no` have no proto enum:
    /// `YES`/`NO`, and `true`/`false` are read by [`Labels::parse`] itself).
    fn proto_prefix(self) -> &'static str {
        match self {
            Labels::Track => "TRACK_",
            Labels::Priority => "PRIORITY_",
            Labels::Role => "MENTOR_ROLE_",
            Labels::Risk => "RISK_LEVEL_",
            Labels::Credential => "RISK_CREDENTIAL_",
            Labels::Evaluation => "EVALUATION_",
            Labels::Rule | Labels::Bool => "",
            Labels::Keep => "KEEP_MODE_",
        }
    }

    fn area(self) -> &'static str {
        match self {
            Labels::Track => "track",
            Labels::Priority => "priority",
            Labels::Role => "role",
            Labels::Risk => "risk",
            Labels::Credential => "credential",
            Labels::Evaluation => "evaluation",
            Labels::Rule => "rule",
            Labels::Keep => "keep",
            Labels::Bool => "bool",
        }
    }

    /// The label of the value numbered `value` in `lang`; empty when there is none (unset).
    pub fn label(self, value: i32, lang: Lang) -> String {
        self.options()
            .iter()
            .find(|o| o.1 == value)
            .map(|o| tr(lang, &format!("sheet.{}.{}", self.area(), o.0)).to_string())
            .unwrap_or_default()
    }

    /// Every label in `lang`, for a dropdown.
    pub fn labels(self, lang: Lang) -> Vec<String> {
        self.options()
            .iter()
            .map(|o| self.label(o.1, lang))
            .collect()
    }

    /// The value a text stands for: a label in any language, the catalogue key, the proto
    /// name or its last part (`ACADEMIC`); for yes/no also true/false, y/n, 1/0, 是/否.
    pub fn parse(self, text: &str) -> Option<i32> {
        let wanted = normalize(text);
        if wanted.is_empty() {
            return None;
        }
        if self == Labels::Bool {
            match wanted.as_str() {
                "true" | "y" | "1" | "✓" | "√" | "有" | "是的" => return Some(1),
                "false" | "n" | "0" | "✗" | "×" | "无" | "没有" => return Some(0),
                _ => {}
            }
        }
        self.options().iter().find_map(|&(key, value)| {
            let proto = format!("{}{}", self.proto_prefix(), key.to_uppercase());
            let short = proto.rsplit_once('_').map_or(proto.as_str(), |(_, s)| s);
            let hit = normalize(key) == wanted
                || normalize(&proto) == wanted
                || normalize(&proto.replace('_', " ")) == wanted
                || (self != Labels::Bool && normalize(short) == wanted && short.len() > 3)
                || Lang::ALL
                    .into_iter()
                    .any(|lang| normalize(&self.label(value, lang)) == wanted);
            hit.then_some(value)
        })
    }

    /// The labels in `lang` joined for an error message ("academic / psychological / talent").
    pub fn allowed(self, lang: Lang) -> String {
        self.labels(lang).join(" / ")
    }
}

/// A policy (or rematch) setting on the policy sheet: its catalogue key, the name in the
/// request's JSON (also accepted as the setting's name), the field path the validator reports,
/// and what its value holds.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub key: &'static str,
    pub json: &'static str,
    pub path: &'static str,
    pub kind: Kind,
}

const fn s(key: &'static str, json: &'static str, path: &'static str, kind: Kind) -> Setting {
    Setting {
        key,
        json,
        path,
        kind,
    }
}

/// Every setting, in the order of the README's policy table; the last three are the rematch's.
pub const SETTINGS: &[Setting] = &[
    s(
        "student_preference",
        "weights.studentPreference",
        "policy.weights.student_preference",
        Kind::Number,
    ),
    s(
        "mentor_preference",
        "weights.mentorPreference",
        "policy.weights.mentor_preference",
        Kind::Number,
    ),
    s(
        "specialty",
        "weights.specialty",
        "policy.weights.specialty",
        Kind::Number,
    ),
    s(
        "time_overlap",
        "weights.timeOverlap",
        "policy.weights.time_overlap",
        Kind::Number,
    ),
    s(
        "personality",
        "weights.personality",
        "policy.weights.personality",
        Kind::Number,
    ),
    s(
        "affinity",
        "weights.affinity",
        "policy.weights.affinity",
        Kind::Number,
    ),
    s(
        "own_class",
        "weights.ownClass",
        "policy.weights.own_class",
        Kind::Number,
    ),
    s(
        "academic_min_years",
        "rules.academicMinYears",
        "policy.rules.academic_min_years",
        Kind::Whole,
    ),
    s(
        "psychological_requires_certificate",
        "rules.psychologicalRequiresCertificate",
        "policy.rules.psychological_requires_certificate",
        Kind::Bool,
    ),
    s(
        "talent_min_competitions",
        "rules.talentMinCompetitions",
        "policy.rules.talent_min_competitions",
        Kind::Whole,
    ),
    s(
        "low_risk_requires",
        "rules.lowRiskRequires",
        "policy.rules.low_risk_requires",
        Kind::Label(Labels::Credential),
    ),
    s(
        "medium_risk_requires",
        "rules.mediumRiskRequires",
        "policy.rules.medium_risk_requires",
        Kind::Label(Labels::Credential),
    ),
    s(
        "high_risk_requires",
        "rules.highRiskRequires",
        "policy.rules.high_risk_requires",
        Kind::Label(Labels::Credential),
    ),
    s(
        "crisis_risk_requires",
        "rules.crisisRiskRequires",
        "policy.rules.crisis_risk_requires",
        Kind::Label(Labels::Credential),
    ),
    s(
        "peer_min_grade_gap",
        "rules.peerMinGradeGap",
        "policy.rules.peer_min_grade_gap",
        Kind::Whole,
    ),
    s(
        "peer_psychological",
        "rules.peerPsychological",
        "policy.rules.peer_psychological",
        Kind::Bool,
    ),
    s(
        "external_counsellor_any_track",
        "rules.externalCounsellorAnyTrack",
        "policy.rules.external_counsellor_any_track",
        Kind::Bool,
    ),
    s(
        "min_common_slots",
        "minCommonSlots",
        "policy.min_common_slots",
        Kind::Whole,
    ),
    s(
        "max_mentors_per_student",
        "maxMentorsPerStudent",
        "policy.max_mentors_per_student",
        Kind::Whole,
    ),
    s(
        "time_limit_seconds",
        "timeLimitSeconds",
        "policy.time_limit_seconds",
        Kind::Number,
    ),
    s(
        "relative_gap",
        "relativeGap",
        "policy.relative_gap",
        Kind::Number,
    ),
    s(
        "hardship_raises_priority",
        "hardshipRaisesPriority",
        "policy.hardship_raises_priority",
        Kind::Bool,
    ),
    s(
        "risk_raises_priority",
        "riskRaisesPriority",
        "policy.risk_raises_priority",
        Kind::Bool,
    ),
    s(
        "why_not_costs",
        "whyNotCosts",
        "policy.why_not_costs",
        Kind::Bool,
    ),
    s(
        "why_not_students",
        "whyNotStudents",
        "policy.why_not_students",
        Kind::List,
    ),
    s(
        "involve_every_mentor",
        "involveEveryMentor",
        "policy.involve_every_mentor",
        Kind::Bool,
    ),
    s(
        "load_spread",
        "loadSpread",
        "policy.load_spread",
        Kind::Number,
    ),
    s(
        "keep_mode",
        "rematch.keepMode",
        "rematch.keep_mode",
        Kind::Label(Labels::Keep),
    ),
    s(
        "change_penalty",
        "rematch.changePenalty",
        "rematch.change_penalty",
        Kind::Number,
    ),
    s(
        "max_changes",
        "rematch.maxChanges",
        "rematch.max_changes",
        Kind::Whole,
    ),
];

impl Setting {
    /// The setting's label in `lang`.
    pub fn label(&self, lang: Lang) -> String {
        tr(lang, &format!("sheet.setting.{}", self.key)).to_string()
    }

    /// The setting a name stands for: its label in any language, its JSON name or its key.
    pub fn find(name: &str) -> Option<&'static Setting> {
        let wanted = normalize(name);
        SETTINGS.iter().find(|s| {
            normalize(s.key) == wanted
                || normalize(s.json) == wanted
                || normalize(s.json.rsplit('.').next().unwrap_or(s.json)) == wanted
                || Lang::ALL
                    .into_iter()
                    .any(|lang| normalize(&s.label(lang)) == wanted)
        })
    }
}

/// A0-style column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `F12` for (row 11, column 5), both counted from 0.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_are_excel_style() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 5), "F12");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
    }

    #[test]
    fn headers_and_labels_match_in_either_language() {
        let col = SheetKind::Mentors
            .find_column(" 可带学生数 ")
            .map(|c| c.key);
        assert_eq!(col, Some("capacity"));
        assert_eq!(
            SheetKind::Mentors.find_column("CAPACITY").map(|c| c.key),
            Some("capacity")
        );
        assert_eq!(SheetKind::find("需求清单"), Some(SheetKind::Needs));
        assert_eq!(SheetKind::find("Pair Rules"), Some(SheetKind::PairRules));
        assert_eq!(Labels::Track.parse("心理支持组"), Some(2));
        assert_eq!(Labels::Track.parse("TRACK_TALENT"), Some(3));
        assert_eq!(Labels::Track.parse("Academic"), Some(1));
        assert_eq!(Labels::Track.parse("acadmic"), None);
        assert_eq!(Labels::Bool.parse("否"), Some(0));
        assert_eq!(Labels::Evaluation.parse("not working"), Some(2));
        assert_eq!(
            Setting::find("weights.studentPreference").map(|s| s.key),
            Some("student_preference")
        );
        assert_eq!(
            Setting::find("求解时限（秒）").map(|s| s.key),
            Some("time_limit_seconds")
        );
    }

    #[test]
    fn proto_names_are_the_enums_names() {
        use crate::proto::pb;
        let name = |labels: Labels, value: i32| {
            let key = labels.options().iter().find(|o| o.1 == value).map(|o| o.0);
            format!(
                "{}{}",
                labels.proto_prefix(),
                key.unwrap_or("").to_uppercase()
            )
        };
        type ProtoName = fn(i32) -> Option<&'static str>;
        let enums: [(Labels, ProtoName); 7] = [
            (Labels::Track, |v| {
                pb::Track::try_from(v).ok().map(|e| e.as_str_name())
            }),
            (Labels::Priority, |v| {
                pb::Priority::try_from(v).ok().map(|e| e.as_str_name())
            }),
            (Labels::Role, |v| {
                pb::MentorRole::try_from(v).ok().map(|e| e.as_str_name())
            }),
            (Labels::Risk, |v| {
                pb::RiskLevel::try_from(v).ok().map(|e| e.as_str_name())
            }),
            (Labels::Credential, |v| {
                pb::RiskCredential::try_from(v)
                    .ok()
                    .map(|e| e.as_str_name())
            }),
            (Labels::Evaluation, |v| {
                pb::Evaluation::try_from(v).ok().map(|e| e.as_str_name())
            }),
            (Labels::Keep, |v| {
                pb::KeepMode::try_from(v).ok().map(|e| e.as_str_name())
            }),
        ];
        for (labels, proto) in enums {
            for &(_, v) in labels.options() {
                assert_eq!(Some(name(labels, v).as_str()), proto(v), "{labels:?} {v}");
            }
        }
    }

    #[test]
    fn every_label_parses_back_to_its_value() {
        for labels in [
            Labels::Track,
            Labels::Priority,
            Labels::Role,
            Labels::Risk,
            Labels::Credential,
            Labels::Evaluation,
            Labels::Rule,
            Labels::Keep,
            Labels::Bool,
        ] {
            for lang in Lang::ALL {
                for &(_, value) in labels.options() {
                    let label = labels.label(value, lang);
                    assert_eq!(labels.parse(&label), Some(value), "{labels:?} {label}");
                }
            }
        }
    }
}
