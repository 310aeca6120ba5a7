//! Weekly availability as a bit set: one bit per (day, period), so the common slots of a pair
//! are one AND and a popcount, with no allocation however many pairs are scored.
//!
//! Imports nothing from the crate; must not import anything outside the domain.

use std::fmt;

/// Days of the school week, in the order they appear in slot names.
pub const DAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
/// Periods per day a slot can name (1-based in slot names).
pub const PERIODS_PER_DAY: u32 = 12;

/// A set of weekly slots such as `TUE-8`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SlotSet(u128);

/// Why a slot name could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("slot {0:?} is not of the form DAY-PERIOD (e.g. \"TUE-8\")")]
    Shape(String),
    #[error("slot {0:?} names an unknown day; expected one of MON TUE WED THU FRI SAT SUN")]
    Day(String),
    #[error("slot {0:?} names period outside 1..=12")]
    Period(String),
}

impl SlotSet {
    /// The empty set.
    pub const EMPTY: SlotSet = SlotSet(0);

    /// Reads one slot name; case-insensitive, surrounding spaces ignored.
    pub fn parse_one(name: &str) -> Result<u32, SlotError> {
        let trimmed = name.trim();
        let (day, period) = trimmed
            .split_once('-')
            .ok_or_else(|| SlotError::Shape(super::clip(name)))?;
        let day_ix = DAYS
            .iter()
            .position(|d| d.eq_ignore_ascii_case(day.trim()))
            .ok_or_else(|| SlotError::Day(super::clip(name)))?;
        let period = period.trim();
        // Digits only: `parse` would also take a sign (`MON-+1`).
        if period.is_empty() || !period.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SlotError::Shape(super::clip(name)));
        }
        let period: u32 = period
            .parse()
            .map_err(|_| SlotError::Shape(super::clip(name)))?;
        if !(1..=PERIODS_PER_DAY).contains(&period) {
            return Err(SlotError::Period(super::clip(name)));
        }
        Ok(day_ix as u32 * PERIODS_PER_DAY + (period - 1))
    }

    /// Adds a slot by its bit index (as returned by [`SlotSet::parse_one`]).
    pub fn insert(&mut self, bit: u32) {
        self.0 |= 1u128 << bit;
    }

    /// Slots both sets hold.
    pub fn common(self, other: SlotSet) -> SlotSet {
        SlotSet(self.0 & other.0)
    }

    /// Slots in either set.
    pub fn union(self, other: SlotSet) -> SlotSet {
        SlotSet(self.0 | other.0)
    }

    /// Slots of this set that `other` does not hold.
    pub fn minus(self, other: SlotSet) -> SlotSet {
        SlotSet(self.0 & !other.0)
    }

    /// True when the set holds the slot with this bit index.
    pub fn contains(self, bit: u32) -> bool {
        bit < 128 && self.0 & (1u128 << bit) != 0
    }

    /// Bit indices of the slots held, in week order (one step per slot held, not per slot of
    /// the week: candidate generation calls it for every mentor and need).
    pub fn bits(self) -> impl Iterator<Item = u32> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                bit
            })
        })
    }

    /// Number of slots in the set.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// True when the set holds no slot.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Slot names in week order (MON-1 first), for explanations.
    pub fn names(self) -> Vec<String> {
        (0..7 * PERIODS_PER_DAY)
            .filter(|bit| self.0 & (1u128 << bit) != 0)
            .map(slot_name)
            .collect()
    }
}

/// The canonical name of a slot bit, e.g. `TUE-8`.
pub fn slot_name(bit: u32) -> String {
    format!(
        "{}-{}",
        DAYS[(bit / PERIODS_PER_DAY) as usize],
        bit % PERIODS_PER_DAY + 1
    )
}

impl fmt::Display for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_round_trip() {
        for bit in 0..7 * PERIODS_PER_DAY {
            assert_eq!(SlotSet::parse_one(&slot_name(bit)), Ok(bit));
        }
        assert_eq!(SlotSet::parse_one(" tue-8 "), Ok(PERIODS_PER_DAY + 7));
    }

    #[test]
    fn rejects_malformed_slots() {
        assert!(matches!(
            SlotSet::parse_one("TUE8"),
            Err(SlotError::Shape(_))
        ));
        assert!(matches!(
            SlotSet::parse_one("XYZ-1"),
            Err(SlotError::Day(_))
        ));
        assert!(matches!(
            SlotSet::parse_one("MON-13"),
            Err(SlotError::Period(_))
        ));
        assert!(matches!(
            SlotSet::parse_one("MON-0"),
            Err(SlotError::Period(_))
        ));
        assert!(matches!(
            SlotSet::parse_one("MON-x"),
            Err(SlotError::Shape(_))
        ));
    }

    #[test]
    fn bits_are_the_slots_held_in_week_order() {
        let mut a = SlotSet::EMPTY;
        for bit in [83, 0, 12, 5] {
            a.insert(bit);
        }
        assert_eq!(a.bits().collect::<Vec<_>>(), vec![0, 5, 12, 83]);
        assert_eq!(SlotSet::EMPTY.bits().count(), 0);
        assert!(a.contains(83) && !a.contains(1) && !a.contains(200));
        let mut b = SlotSet::EMPTY;
        b.insert(5);
        assert_eq!(a.minus(b).bits().collect::<Vec<_>>(), vec![0, 12, 83]);
        assert_eq!(a.union(b), a);
    }

    #[test]
    fn common_slots_are_the_intersection() {
        let mut a = SlotSet::EMPTY;
        let mut b = SlotSet::EMPTY;
        a.insert(1);
        a.insert(5);
        b.insert(5);
        b.insert(80);
        assert_eq!(a.common(b).len(), 1);
        assert_eq!(a.common(b).names(), vec!["MON-6".to_string()]);
        assert!(a.common(SlotSet::EMPTY).is_empty());
    }
}
