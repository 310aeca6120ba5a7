//! Shared helpers: tiny random schools and a brute-force oracle.
//!
//! Uses `mentor_match`'s public API only; must not import any test module (they all import
//! this one).

use mentor_match::admit::validate;
use mentor_match::domain::model::{MentorIx, NeedIx, Problem, StudentIx};
use mentor_match::domain::raw::{
    Coded, RawChoice, RawCoaching, RawCounselling, RawMentor, RawNeed, RawPair, RawRequest,
    RawStudent, RawSubject,
};
use mentor_match::domain::{MentorRole, Priority, Track};
use mentor_match::generate::Rng;
use mentor_match::rules::Candidates;

/// The configuration of every property test here: `cases` cases drawn from a fixed seed, so
/// CI runs the same cases on every machine and a failure there reproduces here.
///
/// Two variables widen a hunt for rare failures by hand (HiGHS's presolve went wrong on one
/// tiny school in a few thousand): `MENTOR_MATCH_PROPTEST_SCALE` multiplies the cases (a whole
/// number), and `MENTOR_MATCH_PROPTEST_SEED` sets the seed (`random` draws one; a failure is
/// then saved to the module's `.proptest-regressions` file, which every run replays first).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngSeed};
    // A value set but unreadable stops the run: a hunt must not quietly run the defaults.
    let scale: u32 = std::env::var("MENTOR_MATCH_PROPTEST_SCALE").map_or(1, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("MENTOR_MATCH_PROPTEST_SCALE={v:?}: a whole number"))
    });
    let rng_seed = match std::env::var("MENTOR_MATCH_PROPTEST_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(seed) => RngSeed::Fixed(seed.parse().unwrap_or_else(|_| {
            panic!("MENTOR_MATCH_PROPTEST_SEED={seed:?}: a number or \"random\"")
        })),
        None => RngSeed::Fixed(FIXED_PROPTEST_SEED),
    };
    let scale = scale.max(1);
    let default = Config::default();
    Config {
        cases: cases.saturating_mul(scale),
        // Filters (`prop_assume!`) reject in proportion to the cases drawn.
        max_global_rejects: default.max_global_rejects.saturating_mul(scale),
        max_local_rejects: default.max_local_rejects.saturating_mul(scale),
        rng_seed,
        ..default
    }
}

/// The seed of [`proptest_config`] when none is asked for.
const FIXED_PROPTEST_SEED: u64 = 20_261_205;

/// The weekly slots of the tiny schools.
pub const SLOTS: [&str; 3] = ["MON-1", "MON-2", "TUE-1"];
/// The tracks in the order the random builders draw them.
pub const TRACKS: [Track; 3] = [Track::Academic, Track::Psychological, Track::Talent];
/// The priorities in the order the random builders draw them.
pub const PRIORITIES: [Priority; 4] = [
    Priority::Low,
    Priority::Normal,
    Priority::High,
    Priority::Urgent,
];

// The random pieces below are shared by the tiny-school builders here, in shortage.rs and in
// school_rules.rs. Each draws from the generator in a fixed order, so a builder that calls
// them in its own order makes the same schools as before; the builders themselves stay apart
// because their distributions differ (roles and risk levels, declared tracks, capacities,
// one need per student drawn before the preferences), not only their order.

/// Each of `slots` with chance `p`; one drawn at random when none was.
pub fn some_slots(rng: &mut Rng, slots: &[&str], p: f64) -> Vec<String> {
    let v: Vec<String> = slots
        .iter()
        .filter(|_| rng.chance(p))
        .map(|s| s.to_string())
        .collect();
    if v.is_empty() {
        vec![slots[rng.below(slots.len())].to_string()]
    } else {
        v
    }
}

/// Each of `names` taught with chance 0.5, for fewer than `max_years` years; with `topics`,
/// "algebra" as a topic with chance 0.5 (drawn after the years).
pub fn random_subjects(
    rng: &mut Rng,
    names: &[&str],
    max_years: usize,
    topics: bool,
) -> Vec<RawSubject> {
    let mut v = Vec::new();
    for subject in names {
        if rng.chance(0.5) {
            let years = rng.below(max_years) as u32;
            let topics = if topics && rng.chance(0.5) {
                vec!["algebra".into()]
            } else {
                vec![]
            };
            v.push(RawSubject {
                subject: subject.to_string(),
                years,
                topics,
            });
        }
    }
    v
}

/// A certificate with chance `certificate`, training with chance `trained`, under 5 years.
pub fn random_counselling(rng: &mut Rng, certificate: f64, trained: f64) -> RawCounselling {
    RawCounselling {
        certificate: rng.chance(certificate),
        trained: rng.chance(trained),
        years: rng.below(5) as u32,
        topics: vec![],
    }
}

/// With chance 0.4, coaching in `domain` with `least` to `least + 2` competitions.
pub fn random_coaching(rng: &mut Rng, domain: &str, least: u32) -> Vec<RawCoaching> {
    if rng.chance(0.4) {
        vec![RawCoaching {
            domain: domain.into(),
            competitions: least + rng.below(3) as u32,
            topics: vec![],
        }]
    } else {
        vec![]
    }
}

/// Subject teacher `T{i}`: math and English (under 12 years, maybe algebra), counselling
/// (certificate and training at 0.3 each) and art coaching from `least` competitions, drawn in
/// that order; the rest as [`plain_mentor`]'s, for the caller to draw next (a struct update
/// draws its listed fields before its base, so keep the teacher in a variable first).
pub fn random_teacher(rng: &mut Rng, i: usize, least: u32) -> RawMentor {
    let subjects = random_subjects(rng, &["math", "english"], 12, true);
    let counselling = random_counselling(rng, 0.3, 0.3);
    let coaching = random_coaching(rng, "art", least);
    RawMentor {
        subjects,
        counselling,
        coaching,
        ..plain_mentor(&format!("T{i}"))
    }
}

/// No declared track with chance `none`, else one drawn.
pub fn maybe_one_track(rng: &mut Rng, none: f64) -> Vec<Coded<Track>> {
    if rng.chance(none) {
        vec![]
    } else {
        vec![Coded::Set(TRACKS[rng.below(3)])]
    }
}

/// Need `id` on `track`: its subject, priority and weak points drawn in that order.
pub fn random_need(rng: &mut Rng, id: String, track: Track) -> RawNeed {
    RawNeed {
        id,
        track: Coded::Set(track),
        subject: match track {
            Track::Academic => ["math", "english"][rng.below(2)].to_string(),
            Track::Talent => "art".to_string(),
            Track::Psychological => String::new(),
        },
        priority: Coded::Set(PRIORITIES[rng.below(4)]),
        weak_points: if rng.chance(0.5) {
            vec!["algebra".into()]
        } else {
            vec![]
        },
        risk_level: Coded::Unset,
    }
}

/// Each of `mentors` mentors (`T0`, `T1`, ...) ranked with chance `p`, in index order.
pub fn random_preferences(rng: &mut Rng, mentors: usize, p: f64) -> Vec<RawChoice> {
    let mut preferences = Vec::new();
    for m in 0..mentors {
        if rng.chance(p) {
            preferences.push(RawChoice {
                id: format!("T{m}"),
                rank: preferences.len() as u32 + 1,
            });
        }
    }
    preferences
}

/// A pair drawn among `students` students and `mentors` mentors (student first).
pub fn random_pair(rng: &mut Rng, students: usize, mentors: usize) -> RawPair {
    RawPair {
        student_id: format!("S{}", rng.below(students)),
        mentor_id: format!("T{}", rng.below(mentors)),
    }
}

/// The request with `lock` added when it stays valid, else as it was.
pub fn with_lock_if_valid(raw: RawRequest, lock: RawPair) -> RawRequest {
    let mut with_lock = raw.clone();
    with_lock.locked_pairs.push(lock);
    if validate(with_lock.clone()).is_ok() {
        with_lock
    } else {
        raw
    }
}

/// Grade-8 student `S{i}` of `class` with these needs and preferences; drawn in this order:
/// each of `slots` with chance `p`, a "calm" trait (chance 0.5) and hardship (chance 0.2).
pub fn random_student(
    rng: &mut Rng,
    (i, class): (usize, String),
    needs: Vec<RawNeed>,
    preferences: Vec<RawChoice>,
    (slots, p): (&[&str], f64),
) -> RawStudent {
    RawStudent {
        id: format!("S{i}"),
        grade: 8,
        class_id: class,
        gender: None,
        needs,
        availability: some_slots(rng, slots, p),
        preferences,
        traits: if rng.chance(0.5) {
            vec!["calm".into()]
        } else {
            vec![]
        },
        family_hardship: rng.chance(0.2),
    }
}

/// A request of these students and mentors, everything else left default.
pub fn request_of(students: Vec<RawStudent>, mentors: Vec<RawMentor>) -> RawRequest {
    RawRequest {
        students,
        mentors,
        ..RawRequest::default()
    }
}

/// Mentor `id`: a subject teacher with one seat on MON-1 and nothing more; a test sets what
/// it needs with `RawMentor { .., ..plain_mentor(id) }`.
pub fn plain_mentor(id: &str) -> RawMentor {
    RawMentor {
        id: id.into(),
        role: Coded::Set(MentorRole::SubjectTeacher),
        grade: None,
        subjects: vec![],
        counselling: RawCounselling::default(),
        coaching: vec![],
        tracks: vec![],
        capacity: 1,
        availability: vec!["MON-1".into()],
        preferences: vec![],
        head_of_classes: vec![],
        traits: vec![],
    }
}

/// Grade-8 student `id` of class C1 with these needs, free on MON-1, with no preferences.
pub fn plain_student(id: &str, needs: Vec<RawNeed>) -> RawStudent {
    RawStudent {
        id: id.into(),
        grade: 8,
        class_id: "C1".into(),
        gender: None,
        needs,
        availability: vec!["MON-1".into()],
        preferences: vec![],
        traits: vec![],
        family_hardship: false,
    }
}

/// Need `id`: academic, in `subject`, of normal priority.
pub fn plain_need(id: String, subject: &str) -> RawNeed {
    RawNeed {
        id,
        track: Coded::Set(Track::Academic),
        subject: subject.into(),
        priority: Coded::Set(Priority::Normal),
        weak_points: vec![],
        risk_level: Coded::Unset,
    }
}

/// A tiny random school with contention: few mentors, capacity 1–2, multi-need students,
/// random preferences, forbidden pairs and (when valid) a locked pair.
pub fn tiny_problem(
    seed: u64,
    students: usize,
    mentors: usize,
) -> mentor_match::domain::model::Validated {
    validate(tiny_request(seed, students, mentors)).expect("tiny generator makes valid requests")
}

/// The request [`tiny_problem`] validates.
pub fn tiny_request(seed: u64, students: usize, mentors: usize) -> RawRequest {
    let mut rng = Rng::new(seed);
    let mentors_raw: Vec<RawMentor> = (0..mentors)
        .map(|i| {
            let teacher = random_teacher(&mut rng, i, 0);
            RawMentor {
                tracks: maybe_one_track(&mut rng, 0.8),
                capacity: 1 + rng.below(2) as u32,
                availability: some_slots(&mut rng, &SLOTS, 0.6),
                head_of_classes: if rng.chance(0.3) {
                    vec!["C1".into()]
                } else {
                    vec![]
                },
                traits: if rng.chance(0.5) {
                    vec!["calm".into()]
                } else {
                    vec!["curious".into()]
                },
                ..teacher
            }
        })
        .collect();
    let students_raw: Vec<RawStudent> = (0..students)
        .map(|i| {
            let n_needs = 1 + usize::from(rng.chance(0.4));
            let mut needs: Vec<RawNeed> = Vec::new();
            for k in 0..n_needs {
                let track = TRACKS[rng.below(3)];
                needs.push(random_need(&mut rng, format!("N{k}"), track));
            }
            let preferences = random_preferences(&mut rng, mentors, 0.4);
            let class_id = ["C1", "C2"][rng.below(2)].to_string();
            random_student(&mut rng, (i, class_id), needs, preferences, (&SLOTS, 0.6))
        })
        .collect();
    let mut raw = request_of(students_raw, mentors_raw);
    let sized = students > 0 && mentors > 0;
    if sized && rng.chance(0.4) {
        raw.forbidden_pairs
            .push(random_pair(&mut rng, students, mentors));
    }
    if sized && rng.chance(0.3) {
        raw.policy.max_mentors_per_student = Some(1);
    }
    if sized && rng.chance(0.5) {
        let lock = random_pair(&mut rng, students, mentors);
        return with_lock_if_valid(raw, lock);
    }
    raw
}

/// The lexicographic key the engine optimises: covered needs per priority (urgent first), then
/// fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub coverage: [u32; 4],
    /// Mentors with a student, when the policy asks for every mentor involved (else 0).
    pub involved: u32,
    /// The pairs' scores less the mentors' load costs (`loadSpread`).
    pub fit: f64,
}

/// Coverage per priority (urgent first) of a set of pairs.
pub fn coverage(problem: &Problem, pairs: &[(NeedIx, MentorIx)]) -> [u32; 4] {
    let mut out = [0u32; 4];
    for &(n, _) in pairs {
        let p = problem.needs[n as usize].priority;
        out[3 - p as usize] += 1;
    }
    out
}

/// `pairs`, whose fit is `objective`, is exhaustive search's optimum over `candidates`: the
/// same coverage per level and the same fit.
pub fn assert_the_brute_force_optimum(
    problem: &Problem,
    candidates: &Candidates,
    pairs: &[(NeedIx, MentorIx)],
    objective: f64,
    label: &str,
) {
    let best = brute_force(problem, candidates);
    assert_eq!(coverage(problem, pairs), best.coverage, "{label}");
    assert!(
        (objective - best.fit).abs() < 1e-6,
        "{label}: solver {objective} vs brute force {}",
        best.fit
    );
}

/// Exhaustive search over every assignment of needs to candidates (or to nobody).
pub fn brute_force(problem: &Problem, candidates: &Candidates) -> Key {
    brute_force_feasible(problem, candidates)
        .expect("the plan that makes only the locks is feasible")
}

/// [`brute_force`] answering `None` when no plan meets every rule (a maxChanges bound that no
/// plan reaches).
pub fn brute_force_feasible(problem: &Problem, candidates: &Candidates) -> Option<Key> {
    brute_force_where(problem, candidates, &|_| true)
}

/// Which plans an exhaustive search may return.
pub type PlanFilter<'a> = &'a dyn Fn(&[(NeedIx, MentorIx)]) -> bool;

/// [`brute_force_feasible`] over the plans `accept` lets through.
pub fn brute_force_where(
    problem: &Problem,
    candidates: &Candidates,
    accept: PlanFilter<'_>,
) -> Option<Key> {
    let mut search = Search {
        problem,
        candidates,
        accept,
        seats: vec![Vec::new(); problem.mentors.len()],
        mentors_of: vec![Vec::new(); problem.students.len()],
        chosen: Vec::new(),
        best: None,
    };
    search.go(0);
    search.best
}

/// The exhaustive search's state: the seats and mentors taken so far, the pairs chosen for
/// needs before the one being decided, and the best complete plan's key.
struct Search<'a> {
    problem: &'a Problem,
    candidates: &'a Candidates,
    accept: PlanFilter<'a>,
    seats: Vec<Vec<StudentIx>>,
    mentors_of: Vec<Vec<MentorIx>>,
    chosen: Vec<(NeedIx, MentorIx, f64)>,
    best: Option<Key>,
}

impl Search<'_> {
    /// Decides need `n` every way it can go (no mentor, or each candidate with room), then
    /// the next; a complete plan is scored.
    fn go(&mut self, n: usize) {
        if n == self.problem.needs.len() {
            if let Some(key) = self.complete_key() {
                if self.better(&key) {
                    self.best = Some(key);
                }
            }
            return;
        }
        self.go(n + 1);
        let s = self.problem.needs[n].student;
        for c in self.candidates.of_need(n as NeedIx) {
            let m = self.candidates.mentors[c];
            let has_seat = self.seats[m as usize].contains(&s);
            if !has_seat {
                if self.seats[m as usize].len() as u32 >= self.problem.mentors[m as usize].capacity
                    || self.mentors_of[s as usize].len() as u32
                        >= self.problem.policy.max_mentors_per_student
                {
                    continue;
                }
                self.seats[m as usize].push(s);
                self.mentors_of[s as usize].push(m);
            }
            self.chosen
                .push((n as NeedIx, m, self.candidates.scores[c]));
            self.go(n + 1);
            self.chosen.pop();
            if !has_seat {
                self.seats[m as usize].pop();
                self.mentors_of[s as usize].pop();
            }
        }
    }

    /// The complete plan's key, or `None` when it breaks a lock, the kept-pairs bound or the
    /// caller's filter.
    fn complete_key(&self) -> Option<Key> {
        for &(s, m) in &self.problem.locked {
            if !self.mentors_of[s as usize].contains(&m) {
                return None;
            }
        }
        if let Some(bound) = self.problem.min_kept() {
            let kept = bound
                .pairs
                .iter()
                .filter(|&&(s, m)| self.mentors_of[s as usize].contains(&m))
                .count() as u32;
            if kept < bound.at_least {
                return None;
            }
        }
        let pairs: Vec<(NeedIx, MentorIx)> = self.chosen.iter().map(|&(n, m, _)| (n, m)).collect();
        if !(self.accept)(&pairs) {
            return None;
        }
        // Mentor-level terms, computed here from the seats independently of the solver.
        let policy = &self.problem.policy;
        let load_cost: f64 = self
            .seats
            .iter()
            .map(|held| {
                let k = held.len() as f64;
                policy.load_spread * k * (k - 1.0).max(0.0) / 2.0
            })
            .sum();
        let involved = if policy.involve_every_mentor {
            self.seats.iter().filter(|held| !held.is_empty()).count() as u32
        } else {
            0
        };
        Some(Key {
            coverage: coverage(self.problem, &pairs),
            involved,
            fit: self.chosen.iter().map(|c| c.2).sum::<f64>() - load_cost,
        })
    }

    /// Whether `key` beats the best so far: coverage, then involvement, then fit.
    fn better(&self, key: &Key) -> bool {
        match &self.best {
            None => true,
            Some(b) => {
                (key.coverage, key.involved) > (b.coverage, b.involved)
                    || (key.coverage == b.coverage
                        && key.involved == b.involved
                        && key.fit > b.fit + 1e-9)
            }
        }
    }
}

/// The `mentor-match` binary built for these tests.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_mentor-match"))
}

/// The bundled example request.
pub fn example_path() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/school.json")
}

/// Runs a command to the end: its status, stdout and stderr (lossy UTF-8).
pub fn run(cmd: &mut std::process::Command) -> (std::process::Output, String, String) {
    let out = cmd.output().expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out, stdout, stderr)
}

/// A free loopback port (bound, read, released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A client of the server at `url`, waiting up to 10 s for it to come up.
pub async fn client_when_up(
    url: &str,
) -> mentor_match::proto::pb::mentor_match_client::MentorMatchClient<tonic::transport::Channel> {
    use mentor_match::proto::pb::mentor_match_client::MentorMatchClient;
    for _ in 0..200 {
        if let Ok(c) = MentorMatchClient::connect(url.to_string()).await {
            return c.max_decoding_message_size(usize::MAX);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("server at {url} did not come up");
}

/// Sends SIGTERM through the shell's own `kill` (no extra package needed).
pub fn terminate(pid: u32) {
    let _ = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status();
}

/// The real server on an ephemeral loopback port, in this process.
pub struct TestServer {
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), mentor_match::server::ServerError>>,
}

impl TestServer {
    pub async fn start(settings: mentor_match::server::Settings) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(mentor_match::server::serve(
            settings,
            listener,
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            addr,
            stop: Some(stop),
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn client(
        &self,
    ) -> mentor_match::proto::pb::mentor_match_client::MentorMatchClient<tonic::transport::Channel>
    {
        use mentor_match::proto::pb::mentor_match_client::MentorMatchClient;
        let mut last = None;
        for _ in 0..50 {
            match MentorMatchClient::connect(self.url()).await {
                Ok(c) => return c.max_decoding_message_size(usize::MAX),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("server did not come up: {last:?}");
    }

    /// Sends the shutdown signal without waiting (the server drains in the background).
    pub fn begin_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Signals shutdown and waits for the server to drain and stop.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = tokio::time::timeout(std::time::Duration::from_secs(30), self.task)
            .await
            .expect("server stops");
        result.expect("task").expect("server ran cleanly");
    }
}

/// A preference list as the request's JSON writes it: `{id_field: id, "rank": k}` for each id,
/// ranked in the order given.
pub fn ranked_json(id_field: &str, ids: &[&str]) -> Vec<serde_json::Value> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let mut choice = serde_json::Map::new();
            choice.insert(id_field.into(), (*id).into());
            choice.insert("rank".into(), (i + 1).into());
            serde_json::Value::Object(choice)
        })
        .collect()
}

/// A stopped answer's coverage `levels` claims nothing the optimum's `best` disproves: a level
/// it calls proven (`at_most == covered`) covers what the optimum covers; the first level with
/// room (`at_most > covered`) leaves the optimum within reach; nothing is proven below a level
/// that is not.
pub fn assert_claims_hold(
    levels: &[mentor_match::solver::LevelCoverage],
    best: &[mentor_match::solver::LevelCoverage],
    label: &str,
) {
    let mut open = false;
    for (level, optimal) in levels.iter().zip(best) {
        assert_eq!(level.priority, optimal.priority, "{label}");
        let Some(most) = level.at_most else {
            open = true;
            continue;
        };
        assert!(
            !open,
            "{label}: a level proven below one that is not: {levels:?}"
        );
        assert!(
            most >= level.covered && most <= level.needs,
            "{label}: {levels:?}"
        );
        if most == level.covered {
            assert_eq!(level.covered, optimal.covered, "{label}: {levels:?}");
        } else {
            assert!(most >= optimal.covered, "{label}: {levels:?} vs {best:?}");
            open = true;
        }
    }
}

/// Rematch bounds on changes that bind, against the integer program: the row is each need's
/// second-best pair by score, and the bound asks for 1, 4 and 12 more of them kept than the
/// unbounded optimum keeps. Each bound the program proves within reach is solved through the
/// one entry point: proven optimal, valid, the bound met, and the program's optimum. Returns
/// how many bounds were compared, and how many of them `method` accepts the answer's method.
pub fn binding_bounds_meet_the_program(
    problem: &Problem,
    label: &str,
    method: fn(&mentor_match::solver::Method) -> bool,
) -> (usize, usize) {
    use mentor_match::domain::model::{MinKept, SolveTerms};
    use mentor_match::engine;
    use mentor_match::solver::{self, verify, SolveOptions, SolveStatus};
    let (mut cases, mut by_method) = (0, 0);
    let all = engine::candidates(problem);
    // Each need's second-best pair by score.
    let mut pairs: Vec<(u32, u32)> = (0..problem.needs.len() as u32)
        .filter_map(|n| {
            let mut row: Vec<usize> = all.of_need(n).collect();
            row.sort_by(|&a, &b| all.scores[b].total_cmp(&all.scores[a]));
            row.get(1)
                .map(|&c| (problem.needs[n as usize].student, all.mentors[c]))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let free = solver::solve_problem(problem, SolveOptions::from_policy(problem)).unwrap();
    let kept_by = |plan: &[(u32, u32)]| {
        pairs
            .iter()
            .filter(|&&(s, m)| {
                plan.iter()
                    .any(|&(n, pm)| pm == m && problem.needs[n as usize].student == s)
            })
            .count() as u32
    };
    let kept_free = kept_by(&verify::pairs(&free.candidates, &free.solution.chosen));
    for more in [1, 4, 12] {
        let at_least = kept_free + more;
        let bounded = problem.clone().with_terms(SolveTerms {
            min_kept: Some(MinKept {
                pairs: pairs.clone(),
                at_least,
            }),
            ..Default::default()
        });
        let options = SolveOptions::from_policy(&bounded);
        let program = solver::solve_integer_program(&bounded, &all, options).unwrap();
        if program.status != SolveStatus::Optimal {
            continue; // the bound is out of reach
        }
        cases += 1;
        let solved = solver::solve_problem(&bounded, options).unwrap();
        assert_eq!(solved.solution.status, SolveStatus::Optimal, "{label}");
        let plan = verify::pairs(&solved.candidates, &solved.solution.chosen);
        assert_eq!(verify::verify(&bounded, &plan), Ok(()), "{label}");
        assert!(kept_by(&plan) >= at_least, "{label}: the bound holds");
        assert_the_programs_optimum(&solved, &program, &format!("{label}, +{more}"));
        by_method += usize::from(method(&solved.method));
    }
    (cases, by_method)
}

/// `solved` has the integer program's optimum `program`: the same coverage per level and the
/// same fit.
pub fn assert_the_programs_optimum(
    solved: &mentor_match::solver::Solved,
    program: &mentor_match::solver::Solution,
    label: &str,
) {
    assert_eq!(
        solved.solution.coverage, program.coverage,
        "{label}: {:?}",
        solved.method
    );
    assert!(
        (solved.solution.objective - program.objective).abs() < 1e-6,
        "{label}: {:?} {} vs integer program {}",
        solved.method,
        solved.solution.objective,
        program.objective
    );
}
