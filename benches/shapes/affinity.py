import json, sys, random
# Scores from another formula: every feasible pair gets a caller affinity (uniform in [-1, 1])
# weighted far above the engine's own components, as a platform that scores pairs itself would
# send them. One slot shared by all; each mentor teaches each of five subjects with chance
# `share`.
#   python3 affinity.py S M SEED [share] [capacities] [needs]
# needs `1` (the default): one need per student, so each has about M * share feasible mentors
#   (900 240 1 0.185 3-5: 55 k pairs, 970 seats; 1-5: ~750 seats, needs left over).
# needs `multi`: one to three needs per student (a random subset of the subjects), an affinity
#   for every mentor teaching any of them; with share 0.3 and capacities 1-5 candidate sets are
#   dense and seats scarce (900 240 1 0.3 1-5 multi: 126 k pairs; 4000 1000 2 0.3 1-5 multi:
#   2.29 M pairs, ~3,000 seats for 6,994 needs).
S, M, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.185
cap_lo, cap_hi = (int(x) for x in (sys.argv[5] if len(sys.argv) > 5 else "3-5").split("-"))
multi = len(sys.argv) > 6 and sys.argv[6] == "multi"
r = random.Random(seed)
pri = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_NORMAL", "PRIORITY_LOW"]
subs = ["math", "physics", "chinese", "english", "chemistry"]
mentors, teaches = [], {s: [] for s in subs}
for j in range(M):
    mine = [s for s in subs if r.random() < share] or [r.choice(subs)]
    for s in mine:
        teaches[s].append(j)
    mentors.append({"id": f"T{j:04d}", "role": "MENTOR_ROLE_SUBJECT_TEACHER",
        "subjects": [{"subject": s, "years": 5} for s in mine],
        "tracks": ["TRACK_ACADEMIC"], "capacity": r.randint(cap_lo, cap_hi), "availability": ["MON-8"]})
students, affinities = [], []
for i in range(S):
    if multi:
        mine = r.sample(subs, r.choice([1, 1, 2, 3]))
        needs = [{"id": f"N{t+1}", "track": "TRACK_ACADEMIC", "subject": s, "priority": r.choice(pri)}
                 for t, s in enumerate(mine)]
        feasible = sorted(set(j for s in mine for j in teaches[s]))
    else:
        s = r.choice(subs)
        needs = [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": s, "priority": r.choice(pri)}]
        feasible = teaches[s]
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": f"G8-{i%10}", "needs": needs,
                     "availability": ["MON-8"]})
    for j in feasible:
        affinities.append({"studentId": f"S{i:05d}", "mentorId": f"T{j:04d}",
                           "score": round(r.uniform(-1, 1), 4)})
policy = {"weights": {"affinity": 10.0}}
json.dump({"students": students, "mentors": mentors, "affinities": affinities, "policy": policy}, sys.stdout)
