//! Realistic synthetic schools, for demos, tests and benchmarks. The proportions follow
//! domain.md (academic ~15%, psychological ~10%, talent ~20% of students, ~15% family hardship);
//! about 2% of students carry a need nobody can meet (a domain nobody coaches, or availability
//! no mentor shares) so explanations of the impossible are exercised too. Deterministic: the
//! same arguments give the same request on every machine (own SplitMix64, no external RNG).
//!
//! Imports only the domain's raw request types. Must not import the validator, the solver,
//! the protobuf types or the service: it writes a raw request, which callers convert.

use crate::domain::raw::{
    Coded, RawChoice, RawCoaching, RawCounselling, RawMentor, RawNeed, RawPolicy, RawRequest,
    RawStudent, RawSubject,
};
use crate::domain::{MentorRole, Priority, Track};

/// SplitMix64: tiny, fast and stable across versions, which a seeded generator must be.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SUBJECTS: [(&str, [&str; 4]); 6] = [
    (
        "math",
        [
            "quadratic equations",
            "functions",
            "geometry proofs",
            "word problems",
        ],
    ),
    (
        "chinese",
        [
            "classical chinese",
            "essay writing",
            "reading comprehension",
            "poetry",
        ],
    ),
    (
        "english",
        ["cloze reasoning", "grammar", "listening", "writing"],
    ),
    (
        "physics",
        ["mechanics", "circuits", "optics", "experiments"],
    ),
    (
        "chemistry",
        ["equations", "stoichiometry", "lab safety", "organic basics"],
    ),
    ("biology", ["genetics", "cells", "ecology", "experiments"]),
];
const DOMAINS: [(&str, [&str; 3]); 7] = [
    ("art", ["sketching", "watercolour", "composition"]),
    ("music", ["sight reading", "piano", "choir"]),
    (
        "robotics",
        ["mechanical design", "sensors", "competition strategy"],
    ),
    (
        "programming",
        ["algorithms", "olympiad problems", "debugging"],
    ),
    ("athletics", ["sprint", "endurance", "long jump"]),
    ("basketball", ["shooting", "defence", "teamwork"]),
    (
        "calligraphy",
        ["regular script", "running script", "brush control"],
    ),
];
const FOCI: [&str; 5] = [
    "anxiety",
    "adjustment",
    "family",
    "peer relations",
    "motivation",
];
const TRAITS: [&str; 10] = [
    "introverted",
    "extroverted",
    "patient",
    "curious",
    "organised",
    "creative",
    "calm",
    "energetic",
    "humorous",
    "structured",
];
/// Weekday afternoon and evening periods where pairing meetings happen.
const MEETING_PERIODS: [u32; 5] = [7, 8, 9, 10, 11];
const WEEKDAYS: [&str; 5] = ["MON", "TUE", "WED", "THU", "FRI"];

fn slots(rng: &mut Rng, count: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    while out.len() < count {
        let s = format!("{}-{}", rng.pick(&WEEKDAYS), rng.pick(&MEETING_PERIODS));
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.sort();
    out
}

fn traits(rng: &mut Rng) -> Vec<String> {
    let n = 1 + rng.below(3);
    let mut out: Vec<String> = Vec::new();
    while out.len() < n {
        let t = rng.pick(&TRAITS).to_string();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn priority(rng: &mut Rng, track: Track) -> Priority {
    let urgent = if track == Track::Psychological {
        0.12
    } else {
        0.03
    };
    let x = rng.below(1000) as f64 / 1000.0;
    if x < urgent {
        Priority::Urgent
    } else if x < urgent + 0.2 {
        Priority::High
    } else if x < urgent + 0.85 {
        Priority::Normal
    } else {
        Priority::Low
    }
}

/// A dense, flat school of another shape than [`generate`]: one academic need per student, all
/// at normal priority, in one of six subjects; every mentor teaches one subject and shares a
/// slot with everyone; no preferences, traits or weak points, so scores differ only by a
/// mentor's years (a few values). About a sixth of the mentors qualify for each student (966
/// of 5,400 at district size): the shape on which the flow's searches and pricing have the
/// least to go on.
pub fn generate_flat(students: usize, mentors: usize, seed: u64) -> RawRequest {
    let mut rng = Rng::new(seed);
    let mentor_list = (0..mentors)
        .map(|i| RawMentor {
            id: format!("T{i:05}"),
            role: Coded::Set(MentorRole::SubjectTeacher),
            grade: None,
            subjects: vec![RawSubject {
                subject: SUBJECTS[rng.below(SUBJECTS.len())].0.to_string(),
                years: 1 + rng.below(4) as u32,
                topics: vec![],
            }],
            counselling: RawCounselling::default(),
            coaching: vec![],
            tracks: vec![],
            capacity: 1 + rng.below(5) as u32,
            availability: vec!["MON-8".into(), "WED-8".into()],
            preferences: vec![],
            head_of_classes: vec![],
            traits: vec![],
        })
        .collect();
    let student_list = (0..students)
        .map(|i| RawStudent {
            id: format!("S{i:06}"),
            grade: 7 + (i % 3) as u32,
            class_id: format!("G{}-{}", 7 + i % 3, 1 + i % 20),
            gender: None,
            needs: vec![RawNeed {
                id: "N1".into(),
                track: Coded::Set(Track::Academic),
                subject: SUBJECTS[rng.below(SUBJECTS.len())].0.to_string(),
                priority: Coded::Set(Priority::Normal),
                weak_points: vec![],
                risk_level: Coded::Unset,
            }],
            availability: vec!["MON-8".into()],
            preferences: vec![],
            traits: vec![],
            family_hardship: false,
        })
        .collect();
    RawRequest {
        students: student_list,
        mentors: mentor_list,
        ..RawRequest::default()
    }
}

/// A synthetic request with `students` students in need and `mentors` mentors.
pub fn generate(students: usize, mentors: usize, seed: u64) -> RawRequest {
    generate_with(students, mentors, seed, false)
}

/// As [`generate`]; with `single_need` every student keeps only their first need — the
/// one-need-per-student model of the performance reference figures.
///
/// Every figure comes from one generator stream, so the passes run in a fixed order (mentors,
/// then students, then the mentors' preferences) and each draws in the order it always did.
pub fn generate_with(students: usize, mentors: usize, seed: u64, single_need: bool) -> RawRequest {
    let mut rng = Rng::new(seed);
    let classes_per_grade = (students / 40).clamp(2, 200);
    let mut mentor_list: Vec<RawMentor> = (0..mentors)
        .map(|i| mentor(&mut rng, i, classes_per_grade))
        .collect();
    // Popularity skew: a few mentors are everyone's favourites, as in real schools.
    let popular: Vec<usize> = (0..mentors.min(8))
        .map(|_| rng.below(mentors.max(1)))
        .collect();
    let shape = StudentShape {
        classes_per_grade,
        single_need,
        popular: &popular,
        mentors: &mentor_list,
    };
    let student_list: Vec<RawStudent> = (0..students)
        .map(|i| student(&mut rng, i, &shape))
        .collect();
    mentor_preferences(&mut rng, &mut mentor_list, &student_list);
    RawRequest {
        students: student_list,
        mentors: mentor_list,
        locked_pairs: Vec::new(),
        forbidden_pairs: Vec::new(),
        affinities: Vec::new(),
        policy: RawPolicy::default(),
    }
}

/// Each of `items` with probability `p`, in order.
fn some_of(rng: &mut Rng, items: &[&str], p: f64) -> Vec<String> {
    items
        .iter()
        .filter(|_| rng.chance(p))
        .map(|t| t.to_string())
        .collect()
}

/// Mentor `i` (id `T0001` for 0): role, experience, tracks, class, capacity, slots, traits.
fn mentor(rng: &mut Rng, i: usize, classes_per_grade: usize) -> RawMentor {
    let role = match rng.below(100) {
        0..=24 => MentorRole::HeadTeacher,
        25..=69 => MentorRole::SubjectTeacher,
        70..=79 => MentorRole::Administrator,
        80..=87 => MentorRole::TeachingAssistant,
        88..=94 => MentorRole::ExternalCounsellor,
        _ => MentorRole::PeerStudent,
    };
    let subjects = teaching(rng, role);
    let counselling = counselling(rng, role);
    let mut coaching = Vec::new();
    if role != MentorRole::PeerStudent && rng.chance(0.45) {
        let (domain, topics) = rng.pick(&DOMAINS);
        coaching.push(RawCoaching {
            domain: domain.to_string(),
            competitions: rng.below(12) as u32,
            topics: some_of(rng, topics, 0.5),
        });
    }
    let tracks = mentor_tracks(rng, &subjects, &counselling, &coaching);
    let grade = 7 + rng.below(3);
    let head_of_classes = if role == MentorRole::HeadTeacher {
        vec![format!("G{grade}-{}", 1 + rng.below(classes_per_grade))]
    } else {
        Vec::new()
    };
    let capacity = match rng.below(4) {
        0 => 3,
        1 => 4,
        _ => 5,
    };
    RawMentor {
        id: format!("T{:04}", i + 1),
        role: Coded::Set(role),
        // Peer mentors are older students (grades 10–12, the students in need 7–9); drawn
        // without the generator's stream, so every other figure of a seed stays as it was.
        grade: (role == MentorRole::PeerStudent).then_some(10 + (i % 3) as u32),
        subjects,
        counselling,
        coaching,
        tracks,
        capacity,
        availability: {
            let n = 4 + rng.below(8);
            slots(rng, n)
        },
        preferences: Vec::new(),
        head_of_classes,
        traits: traits(rng),
    }
}

/// The subjects a mentor of `role` teaches: none, one, or (one in five) a second.
fn teaching(rng: &mut Rng, role: MentorRole) -> Vec<RawSubject> {
    let teaches = matches!(
        role,
        MentorRole::HeadTeacher | MentorRole::SubjectTeacher | MentorRole::TeachingAssistant
    ) || (role == MentorRole::PeerStudent && rng.chance(0.5));
    let mut subjects = Vec::new();
    if !teaches {
        return subjects;
    }
    let (subject, topics) = rng.pick(&SUBJECTS);
    let years = if role == MentorRole::PeerStudent {
        0
    } else {
        1 + rng.below(28) as u32
    };
    subjects.push(RawSubject {
        subject: subject.to_string(),
        years,
        topics: some_of(rng, topics, 0.5),
    });
    if rng.chance(0.2) {
        let (subject, topics) = rng.pick(&SUBJECTS);
        if subjects.iter().all(|s| s.subject != *subject) {
            subjects.push(RawSubject {
                subject: subject.to_string(),
                years: 1 + rng.below(10) as u32,
                topics: vec![topics[rng.below(4)].to_string()],
            });
        }
    }
    subjects
}

/// Counselling: every external counsellor, and one mentor in five of the others.
fn counselling(rng: &mut Rng, role: MentorRole) -> RawCounselling {
    if role == MentorRole::ExternalCounsellor {
        RawCounselling {
            certificate: true,
            trained: true,
            years: 2 + rng.below(15) as u32,
            topics: some_of(rng, &FOCI, 0.5),
        }
    } else if rng.chance(0.2) {
        RawCounselling {
            certificate: rng.chance(0.3),
            trained: true,
            years: rng.below(8) as u32,
            topics: vec![rng.pick(&FOCI).to_string()],
        }
    } else {
        RawCounselling::default()
    }
}

/// The tracks a mentor offers: mostly those their experience supports, academic if none.
fn mentor_tracks(
    rng: &mut Rng,
    subjects: &[RawSubject],
    counselling: &RawCounselling,
    coaching: &[RawCoaching],
) -> Vec<Coded<Track>> {
    let mut tracks = Vec::new();
    if !subjects.is_empty() && !rng.chance(0.08) {
        tracks.push(Coded::Set(Track::Academic));
    }
    if counselling.trained && !rng.chance(0.08) {
        tracks.push(Coded::Set(Track::Psychological));
    }
    if !coaching.is_empty() && !rng.chance(0.08) {
        tracks.push(Coded::Set(Track::Talent));
    }
    if tracks.is_empty() {
        tracks.push(Coded::Set(Track::Academic));
    }
    tracks
}

/// What every student is drawn against: the school's classes, whether to keep one need, the
/// popular mentors and the mentors themselves (for plausible preferences).
struct StudentShape<'a> {
    classes_per_grade: usize,
    single_need: bool,
    popular: &'a [usize],
    mentors: &'a [RawMentor],
}

/// Student `i` (id `S00001` for 0): class, needs, slots, preferences, traits, hardship.
fn student(rng: &mut Rng, i: usize, shape: &StudentShape) -> RawStudent {
    let grade = 7 + rng.below(3) as u32;
    let class_id = format!("G{grade}-{}", 1 + rng.below(shape.classes_per_grade));
    let mut tracks = Vec::new();
    if rng.chance(0.45) {
        tracks.push(Track::Academic);
    }
    if rng.chance(0.25) {
        tracks.push(Track::Psychological);
    }
    if rng.chance(0.3) {
        tracks.push(Track::Talent);
    }
    if tracks.is_empty() {
        tracks.push(*rng.pick(&[Track::Academic, Track::Talent, Track::Psychological]));
    }
    if shape.single_need {
        tracks.truncate(1);
    }
    // 0: a talent need nobody coaches; 1: availability no mentor shares.
    let impossible = rng.below(100);
    let needs: Vec<RawNeed> = tracks
        .iter()
        .enumerate()
        .map(|(k, &track)| need(rng, k, track, impossible == 0))
        .collect();
    let availability = if impossible == 1 {
        vec!["SUN-12".to_string()]
    } else {
        let n = 3 + rng.below(6);
        slots(rng, n)
    };
    let preferences = student_preferences(rng, &needs, shape);
    RawStudent {
        id: format!("S{:05}", i + 1),
        grade,
        class_id,
        gender: None,
        needs,
        availability,
        preferences,
        traits: traits(rng),
        family_hardship: rng.chance(0.15),
    }
}

/// Need `k` (id `N1` for 0) on `track`; `impossible` makes a talent need in a domain nobody
/// coaches.
fn need(rng: &mut Rng, k: usize, track: Track, impossible: bool) -> RawNeed {
    let (subject, weak_points) = match track {
        Track::Academic => {
            let (s, topics) = rng.pick(&SUBJECTS);
            (s.to_string(), some_of(rng, topics, 0.35))
        }
        Track::Talent if impossible => ("astronomy".to_string(), Vec::new()),
        Track::Talent => {
            let (d, topics) = rng.pick(&DOMAINS);
            (d.to_string(), some_of(rng, topics, 0.3))
        }
        Track::Psychological => {
            let focus = if rng.chance(0.6) {
                rng.pick(&FOCI).to_string()
            } else {
                String::new()
            };
            (focus, Vec::new())
        }
    };
    RawNeed {
        id: format!("N{}", k + 1),
        track: Coded::Set(track),
        subject,
        priority: Coded::Set(priority(rng, track)),
        weak_points,
        risk_level: Coded::Unset,
    }
}

/// Students rank mentors they could plausibly get, plus the popular ones.
fn student_preferences(rng: &mut Rng, needs: &[RawNeed], shape: &StudentShape) -> Vec<RawChoice> {
    let mentors = shape.mentors.len();
    let mut preferences: Vec<RawChoice> = Vec::new();
    let wanted = rng.below(6);
    let mut tries = 0;
    while preferences.len() < wanted && tries < 60 && mentors > 0 {
        tries += 1;
        let m = if rng.chance(0.3) {
            *rng.pick(shape.popular)
        } else {
            rng.below(mentors)
        };
        let mentor = &shape.mentors[m];
        let relevant = needs.iter().any(|n| match n.track {
            Coded::Set(Track::Academic) => mentor.subjects.iter().any(|s| s.subject == n.subject),
            Coded::Set(Track::Talent) => mentor.coaching.iter().any(|c| c.domain == n.subject),
            Coded::Set(Track::Psychological) => mentor.counselling.trained,
            _ => false,
        });
        if (relevant || rng.chance(0.1)) && preferences.iter().all(|p| p.id != mentor.id) {
            preferences.push(RawChoice {
                id: mentor.id.clone(),
                rank: preferences.len() as u32 + 1,
            });
        }
    }
    preferences
}

/// About a third of mentors name students they would like to take.
fn mentor_preferences(rng: &mut Rng, mentors: &mut [RawMentor], students: &[RawStudent]) {
    for mentor in mentors.iter_mut() {
        if !students.is_empty() && rng.chance(0.33) {
            let n = 1 + rng.below(4);
            let mut prefs: Vec<RawChoice> = Vec::new();
            for _ in 0..n {
                let s = students[rng.below(students.len())].id.clone();
                if prefs.iter().all(|p| p.id != s) {
                    prefs.push(RawChoice {
                        id: s,
                        rank: prefs.len() as u32 + 1,
                    });
                }
            }
            mentor.preferences = prefs;
        }
    }
}
