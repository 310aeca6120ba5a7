//! Documented size limits. They are generous enough for a whole city's education bureau
//! (200,000 students) and exist so that a malformed file is refused with a clear message
//! instead of exhausting memory.
//!
//! Imports nothing from the crate; must not import anything outside the domain.

/// Students in one request.
pub const MAX_STUDENTS: usize = 200_000;
/// Mentors in one request.
pub const MAX_MENTORS: usize = 50_000;
/// Needs of one student.
pub const MAX_NEEDS_PER_STUDENT: usize = 12;
/// Ranked choices of one student.
pub const MAX_STUDENT_PREFERENCES: usize = 50;
/// Ranked choices of one mentor.
pub const MAX_MENTOR_PREFERENCES: usize = 500;
/// Traits, weak points, topics, subjects, coaching entries, classes per person or need.
pub const MAX_LIST_ITEMS: usize = 64;
/// Availability entries per person (84 distinct slots exist; repeats are tolerated).
pub const MAX_SLOTS: usize = 168;
/// Locked pairs, forbidden pairs and affinities, each.
pub const MAX_PAIR_ENTRIES: usize = 2_000_000;
/// Length of an id in bytes.
pub const MAX_ID_LEN: usize = 64;
/// Length of a free-text value (subject, trait, class id, topic) in bytes.
pub const MAX_TEXT_LEN: usize = 100;
/// Most violations reported for one request; the rest are counted in one final entry.
pub const MAX_VIOLATIONS: usize = 1_000;
/// Largest mentor capacity (domain rule: at most 5 students per mentor).
pub const MAX_CAPACITY: u32 = 5;
/// Longest solver time limit a request may ask for, in seconds.
pub const MAX_TIME_LIMIT_SECONDS: f64 = 3_600.0;
/// Largest weight of an objective component. Scores stay below 7,000 per pair, which keeps the
/// fit digit of the packed costs fine-grained and the integer program's coefficients well
/// scaled; past it, 1e20 broke both.
pub const MAX_WEIGHT: f64 = 1_000.0;
/// Largest rematch change penalty per need, for the same reason.
pub const MAX_CHANGE_PENALTY: f64 = 1_000_000.0;
/// Needs at one priority level the exact objective can count: the packed cost keeps each
/// level's count in a signed 20-bit digit (`solver/flow.rs`, `LEVEL_BITS`).
pub const MAX_NEEDS_PER_LEVEL: usize = (1 << 19) - 1;
