//! The validated problem. Everything is indexed (students, mentors and needs by position;
//! free-text by interned symbol) so that scoring a pair allocates nothing and every lookup the
//! solver makes is by integer. Only [`super::validate::validate_with`] builds a [`Problem`],
//! so its invariants (unique ids, known references, capacity in 1..=5, locks consistent)
//! always hold.
//!
//! Imports only the domain; nothing from `rules`, `score` or an outer layer.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::policy::Policy;
use super::slots::SlotSet;
use super::{MentorRole, Priority, RiskLevel, Track};

/// Position of a student in [`Problem::students`].
pub type StudentIx = u32;
/// Position of a mentor in [`Problem::mentors`].
pub type MentorIx = u32;
/// Position of a need in [`Problem::needs`].
pub type NeedIx = u32;
/// An interned, normalised (trimmed, lowercase) string.
pub type Sym = u32;

/// Stated facts by (student, mentor). Looked up for every candidate pair (millions at district
/// size), so it hashes with [`IndexHasher`] rather than SipHash: keys are our own dense
/// indices, never client-chosen text, so flooding resistance buys nothing here.
pub type PairFactsMap = HashMap<(StudentIx, MentorIx), PairFacts, BuildHasherDefault<IndexHasher>>;

/// A multiply-rotate hasher for small integer keys (the scheme of rustc's FxHash).
#[derive(Clone, Copy, Debug, Default)]
pub struct IndexHasher(u64);

impl IndexHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for IndexHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// Interns free text (subjects, domains, topics, traits, classes) so comparisons are integer
/// comparisons. Text is matched case-insensitively with surrounding spaces ignored.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    ids: HashMap<String, Sym>,
    names: Vec<String>,
}

impl Interner {
    /// Normalises and interns `text`.
    pub fn intern(&mut self, text: &str) -> Sym {
        let key = text.trim().to_lowercase();
        if let Some(&sym) = self.ids.get(&key) {
            return sym;
        }
        let sym = self.names.len() as Sym;
        self.names.push(key.clone());
        self.ids.insert(key, sym);
        sym
    }

    /// Interns each item and returns the sorted, de-duplicated symbols.
    pub fn intern_set<S: AsRef<str>>(&mut self, items: &[S]) -> Vec<Sym> {
        let mut syms: Vec<Sym> = items.iter().map(|s| self.intern(s.as_ref())).collect();
        syms.sort_unstable();
        syms.dedup();
        syms
    }

    /// The normalised text of a symbol.
    pub fn name(&self, sym: Sym) -> &str {
        self.names.get(sym as usize).map_or("", String::as_str)
    }
}

#[derive(Clone, Debug)]
pub struct Student {
    pub id: String,
    pub grade: u32,
    pub class: Sym,
    /// This student's needs are `needs[first_need .. first_need + need_count]`.
    pub first_need: NeedIx,
    pub need_count: u32,
    pub slots: SlotSet,
    /// Ranked mentor choices, sorted by rank.
    pub preferences: Vec<(MentorIx, u32)>,
    /// Sorted, de-duplicated.
    pub traits: Vec<Sym>,
    pub family_hardship: bool,
}

impl Student {
    /// Indices of this student's needs.
    pub fn needs(&self) -> std::ops::Range<NeedIx> {
        self.first_need..self.first_need + self.need_count
    }

    /// The student's rank of a mentor, if ranked.
    pub fn rank_of(&self, mentor: MentorIx) -> Option<u32> {
        self.preferences
            .iter()
            .find(|(m, _)| *m == mentor)
            .map(|&(_, r)| r)
    }
}

#[derive(Clone, Debug)]
pub struct Need {
    pub id: String,
    pub student: StudentIx,
    pub track: Track,
    /// Subject (academic), domain (talent) or focus (psychological; may be the empty symbol).
    pub subject: Sym,
    /// Priority the solver uses: as declared by the school, raised for family hardship and for
    /// psychological risk when the policy says so. (The declared level is not kept: nothing
    /// reads it, and a printed "raised from" would hint at the sensitive reason.)
    pub priority: Priority,
    /// Sorted, de-duplicated.
    pub weak_points: Vec<Sym>,
    /// Psychological risk (always `None` off the psychological track: validation refuses a
    /// level elsewhere). Sensitive: read by the rules, never printed.
    pub risk: RiskLevel,
}

#[derive(Clone, Debug)]
pub struct SubjectExperience {
    pub subject: Sym,
    pub years: u32,
    pub topics: Vec<Sym>,
}

#[derive(Clone, Debug)]
pub struct CoachingExperience {
    pub domain: Sym,
    pub competitions: u32,
    pub topics: Vec<Sym>,
}

#[derive(Clone, Debug, Default)]
pub struct Counselling {
    pub certificate: bool,
    pub trained: bool,
    pub years: u32,
    pub topics: Vec<Sym>,
}

#[derive(Clone, Debug)]
pub struct Mentor {
    pub id: String,
    pub role: MentorRole,
    /// School grade of a peer student mentor (always set for one: validation asks for it);
    /// as given, and unused, for other roles.
    pub grade: Option<u32>,
    pub subjects: Vec<SubjectExperience>,
    pub counselling: Counselling,
    pub coaching: Vec<CoachingExperience>,
    /// Volunteered tracks, indexed by [`Track::index`]. An empty declaration volunteers for all.
    pub volunteers: [bool; 3],
    /// Distinct students, 1..=5.
    pub capacity: u32,
    pub slots: SlotSet,
    /// Sorted, de-duplicated.
    pub head_of_classes: Vec<Sym>,
    /// Sorted, de-duplicated.
    pub traits: Vec<Sym>,
}

impl Mentor {
    /// True when the mentor volunteers for `track`.
    pub fn volunteers_for(&self, track: Track) -> bool {
        self.volunteers[track.index()]
    }

    /// True when the mentor is head teacher of `class`.
    pub fn heads(&self, class: Sym) -> bool {
        self.head_of_classes.binary_search(&class).is_ok()
    }
}

/// Facts about one (student, mentor) pair that were stated in the request.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PairFacts {
    pub mentor_rank_of_student: Option<u32>,
    pub affinity: f64,
    pub forbidden: bool,
    pub locked: bool,
}

/// What a caller adds to a validated problem for one solve: terms of the objective and side
/// rows that are not part of the school's request (so validation never sees them), attached
/// once, when the problem is made ([`Problem::with_terms`]), never written into it later.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SolveTerms {
    /// Rematch: bonus per covered need for keeping a working (student, mentor) pair (the change
    /// penalty avoided). Absent pairs: 0.
    pub continuity: BTreeMap<(StudentIx, MentorIx), f64>,
    /// Rematch: a bound on changes, which only the integer program can enforce.
    pub min_kept: Option<MinKept>,
    /// Only plans without a blocking pair (the price-of-stability solve; integer program only).
    pub stable_only: bool,
}

/// Rematch side constraint: at least `at_least` of these (student, mentor) pairs are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MinKept {
    pub pairs: Vec<(StudentIx, MentorIx)>,
    pub at_least: u32,
}

/// A problem as validation made it. It is read through `Deref` and never written: there is no
/// `DerefMut`, so code holding one cannot change it, and the only ways to a changed problem
/// are [`Validated::with_terms`] (the solver's terms, by value) and [`Validated::to_problem`]
/// (an unvalidated copy, for the analyses that ask "what if").
///
/// ```
/// let raw = mentor_match::generate::generate_with(20, 6, 1, false);
/// let problem = mentor_match::admit::validate(raw).expect("valid");
/// assert!(problem.policy.max_mentors_per_student >= 1); // read through Deref
/// let mut copy = problem.to_problem(); // a copy may change
/// copy.policy.load_spread = 0.5;
/// ```
///
/// ```compile_fail,E0594
/// let raw = mentor_match::generate::generate_with(20, 6, 1, false);
/// let mut problem = mentor_match::admit::validate(raw).expect("valid");
/// problem.policy.load_spread = 0.5; // no DerefMut: a validated problem is never written
/// ```
#[derive(Clone, Debug)]
pub struct Validated(Problem);

impl std::ops::Deref for Validated {
    type Target = Problem;

    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl Validated {
    /// Only validation makes one.
    pub(in crate::domain) fn new(problem: Problem) -> Self {
        Validated(problem)
    }

    /// This problem with `terms` for its solve (see [`Problem::with_terms`]).
    pub fn with_terms(self, terms: SolveTerms) -> Validated {
        Validated(self.0.with_terms(terms))
    }

    /// A copy to change: no longer validated, so what it is handed to must not need to be.
    pub fn to_problem(&self) -> Problem {
        self.0.clone()
    }
}

/// Student and mentor positions by id (see [`Problem::id_index`]).
#[derive(Clone, Debug, Default)]
pub struct IdIndex {
    students: HashMap<String, StudentIx>,
    mentors: HashMap<String, MentorIx>,
}

impl IdIndex {
    pub fn student(&self, id: &str) -> Option<StudentIx> {
        self.students.get(id).copied()
    }

    pub fn mentor(&self, id: &str) -> Option<MentorIx> {
        self.mentors.get(id).copied()
    }
}

/// A validated, indexed pairing problem.
#[derive(Clone, Debug)]
pub struct Problem {
    pub students: Vec<Student>,
    pub mentors: Vec<Mentor>,
    pub needs: Vec<Need>,
    /// Locked (student, mentor) pairs, sorted.
    pub locked: Vec<(StudentIx, MentorIx)>,
    /// Stated facts per pair (mentor ranks, affinities, locks, forbids). Pairs with no facts are
    /// absent.
    pub pair_facts: PairFactsMap,
    pub policy: Policy,
    pub text: Interner,
    /// Terms a caller attached for its solve (none from validation): read through
    /// [`Problem::min_kept`], [`Problem::stable_only`] and [`Problem::continuity`]. Private to
    /// the domain, so no one writes them into a problem already made.
    pub(in crate::domain) terms: SolveTerms,
}

impl Problem {
    /// Adds `pairs` to the locks, which stay sorted and without repeats: the locks a solve adds
    /// of its own (a residual's held pairs, a "why not" pair forced). The pair facts keep what
    /// the request stated; a sparse selection reads them only where there are locks at all.
    pub fn add_locks(&mut self, pairs: &[(StudentIx, MentorIx)]) {
        self.locked.extend_from_slice(pairs);
        self.locked.sort_unstable();
        self.locked.dedup();
    }

    /// This problem with `terms` for its solve, in place of any it had: the one way to add
    /// what a rematch or the price of stability asks of the solver. Takes the problem by
    /// value, so no one holding a reference sees it change. Pairs must be this problem's
    /// positions (the callers build them from it).
    pub fn with_terms(mut self, terms: SolveTerms) -> Problem {
        let in_range = |&(s, m): &(StudentIx, MentorIx)| {
            (s as usize) < self.students.len() && (m as usize) < self.mentors.len()
        };
        debug_assert!(terms.continuity.keys().all(in_range));
        debug_assert!(terms
            .min_kept
            .as_ref()
            .is_none_or(|k| k.pairs.iter().all(in_range)));
        self.terms = terms;
        self
    }

    /// The terms attached for this solve.
    pub fn terms(&self) -> &SolveTerms {
        &self.terms
    }

    /// A rematch's bound on changes, if any.
    pub fn min_kept(&self) -> Option<&MinKept> {
        self.terms.min_kept.as_ref()
    }

    /// Whether only plans without a blocking pair count.
    pub fn stable_only(&self) -> bool {
        self.terms.stable_only
    }

    /// The continuity bonus of a pair (0 outside rematches).
    pub fn continuity(&self, student: StudentIx, mentor: MentorIx) -> f64 {
        self.terms
            .continuity
            .get(&(student, mentor))
            .copied()
            .unwrap_or(0.0)
    }

    /// Facts for a pair, defaulting to "nothing stated".
    pub fn facts(&self, student: StudentIx, mentor: MentorIx) -> PairFacts {
        if self.pair_facts.is_empty() {
            return PairFacts::default();
        }
        self.pair_facts
            .get(&(student, mentor))
            .copied()
            .unwrap_or_default()
    }

    /// The student a need belongs to.
    pub fn student_of(&self, need: NeedIx) -> &Student {
        &self.students[self.needs[need as usize].student as usize]
    }

    /// Positions of every student and mentor by id, for code that looks many of them up (a
    /// rematch with tens of thousands of current pairs).
    pub fn id_index(&self) -> IdIndex {
        IdIndex {
            students: self
                .students
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.clone(), i as StudentIx))
                .collect(),
            mentors: self
                .mentors
                .iter()
                .enumerate()
                .map(|(i, m)| (m.id.clone(), i as MentorIx))
                .collect(),
        }
    }

    /// Finds a student by id (linear; for explanations and tests, not hot paths).
    pub fn student_ix(&self, id: &str) -> Option<StudentIx> {
        self.students
            .iter()
            .position(|s| s.id == id)
            .map(|i| i as StudentIx)
    }

    /// Finds a mentor by id (linear; for explanations and tests, not hot paths).
    pub fn mentor_ix(&self, id: &str) -> Option<MentorIx> {
        self.mentors
            .iter()
            .position(|m| m.id == id)
            .map(|i| i as MentorIx)
    }
}
