//! The message catalogue: every word a coordinator or head teacher reads (report headings,
//! reasons, explanation sentences, spreadsheet headers, error messages) in each language the
//! engine speaks.
//!
//! Holds: the [`Lang`] enum, the catalogue loaded from `locales/<lang>/*.toml` (embedded at
//! build time), and [`tr`] / [`trf`] to look a message up. Must not import any other module of
//! the crate: it is a leaf every layer may use.
//!
//! Why TOML tables rather than Fluent: the messages are short sentences with named
//! placeholders (`{count}`), no plural rules (Chinese has none; English ones are written out
//! as separate keys), and the crate already reads TOML for the server config. Adding a
//! language is adding a folder of files and a [`Lang`] variant; no logic changes. The test
//! `every_key_in_every_language` fails when a key or a placeholder is missing in one language.
//!
//! Keys are `file.key` (e.g. `report.title`): each file of a language folder is one area.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// A language the engine renders text in. English is the default everywhere, so that existing
/// clients see what they saw before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Lang {
    #[default]
    En,
    /// Simplified Chinese, the school's own language (结对帮扶).
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag, as written on the command line (`--lang zh-CN`) and in requests.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A language tag the catalogue has no folder for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language {0:?} is not supported (supported: en, zh-CN)")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    /// Accepts the tags people actually type: `en`, `en-US`, `zh`, `zh-CN`, `zh_CN`,
    /// `zh-Hans`, case-insensitively. An empty tag is English.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        match t.as_str() {
            "" | "en" | "en-us" | "en-gb" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Ok(Lang::ZhCn),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

/// One language's files, embedded so the binary needs nothing beside it.
/// Add a file here (for every language) to add an area.
const FILES: &[(Lang, &str, &str)] = &[
    (
        Lang::En,
        "common",
        include_str!("../../locales/en/common.toml"),
    ),
    (
        Lang::ZhCn,
        "common",
        include_str!("../../locales/zh-CN/common.toml"),
    ),
    (
        Lang::En,
        "explain",
        include_str!("../../locales/en/explain.toml"),
    ),
    (
        Lang::ZhCn,
        "explain",
        include_str!("../../locales/zh-CN/explain.toml"),
    ),
    (
        Lang::En,
        "report",
        include_str!("../../locales/en/report.toml"),
    ),
    (
        Lang::ZhCn,
        "report",
        include_str!("../../locales/zh-CN/report.toml"),
    ),
    (
        Lang::En,
        "errors",
        include_str!("../../locales/en/errors.toml"),
    ),
    (
        Lang::ZhCn,
        "errors",
        include_str!("../../locales/zh-CN/errors.toml"),
    ),
    (
        Lang::En,
        "sheet",
        include_str!("../../locales/en/sheet.toml"),
    ),
    (
        Lang::ZhCn,
        "sheet",
        include_str!("../../locales/zh-CN/sheet.toml"),
    ),
];

type Catalogue = BTreeMap<String, String>;

fn catalogues() -> &'static BTreeMap<Lang, Catalogue> {
    static CATALOGUES: OnceLock<BTreeMap<Lang, Catalogue>> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let mut all: BTreeMap<Lang, Catalogue> = BTreeMap::new();
        for &(lang, area, text) in FILES {
            let entries = all.entry(lang).or_default();
            // The files are part of the binary and checked by the tests below, so a parse
            // failure is a build mistake; it degrades to keys shown as themselves, never a panic.
            let table: toml::Table = toml::from_str(text).unwrap_or_default();
            flatten(area, &table, entries);
        }
        all
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = format!("{prefix}.{key}");
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            _ => {}
        }
    }
}

/// The message `key` in `lang`. A key missing in `lang` falls back to English, and a key
/// missing everywhere is returned as itself, so a mistake shows up as a visible key in the
/// output (and fails `every_key_in_every_language`) rather than as a panic.
pub fn tr(lang: Lang, key: &str) -> &str {
    let all = catalogues();
    all.get(&lang)
        .and_then(|c| c.get(key))
        .or_else(|| all.get(&Lang::En).and_then(|c| c.get(key)))
        .map_or(key, String::as_str)
}

/// The message `key` in `lang` with each `{name}` replaced by its value from `args`.
/// Placeholders with no value are left as they are.
pub fn trf(lang: Lang, key: &str, args: &[(&str, &dyn fmt::Display)]) -> String {
    let template = tr(lang, key);
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key of `lang`'s catalogue, for the completeness tests and for tools.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    catalogues()
        .get(&lang)
        .into_iter()
        .flat_map(|c| c.keys().map(String::as_str))
}

/// The `{name}` placeholders of a template, sorted and deduplicated.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = template
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses() {
        for &(lang, area, text) in FILES {
            assert!(
                toml::from_str::<toml::Table>(text).is_ok(),
                "locales/{}/{area}.toml does not parse",
                lang.tag()
            );
        }
    }

    #[test]
    fn every_key_in_every_language() {
        let en: Vec<&str> = keys(Lang::En).collect();
        assert!(!en.is_empty());
        for lang in Lang::ALL {
            let these: Vec<&str> = keys(lang).collect();
            let missing: Vec<_> = en.iter().filter(|k| !these.contains(k)).collect();
            let extra: Vec<_> = these.iter().filter(|k| !en.contains(k)).collect();
            assert!(missing.is_empty(), "{lang}: keys missing: {missing:?}");
            assert!(extra.is_empty(), "{lang}: keys not in English: {extra:?}");
            for key in &en {
                assert_eq!(
                    placeholders(tr(Lang::En, key)),
                    placeholders(tr(lang, key)),
                    "{lang}: placeholders of {key} differ from English"
                );
            }
        }
    }

    #[test]
    fn tags_parse_as_people_type_them() {
        assert_eq!("zh_CN".parse::<Lang>(), Ok(Lang::ZhCn));
        assert_eq!("ZH-cn".parse::<Lang>(), Ok(Lang::ZhCn));
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        assert_eq!(tr(Lang::ZhCn, "common.programme"), "结对帮扶");
        assert_eq!(tr(Lang::En, "no.such.key"), "no.such.key");
        let s = trf(Lang::En, "common.students_count", &[("count", &3)]);
        assert_eq!(s, "3 students");
        let s = trf(Lang::ZhCn, "common.students_count", &[("count", &3)]);
        assert_eq!(s, "3 名学生");
    }
}
