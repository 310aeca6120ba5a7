import json, sys, random
# Several needs per student, scores from another formula: as affinity.py, but each student has
# one to three academic needs (a random subset of five subjects), and every (student, mentor)
# pair where the mentor teaches one of them carries a caller affinity in [-1, 1] weighted 10.
# Mentors teach each subject with chance `share` (capacities 1-5, one slot), so candidate
# sets are dense and seats scarce.
#   python3 affmulti.py S M SEED [share]   (900 240 1: 126 k pairs; 4000 1000 2: 2.29 M pairs)
S, M, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
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
        "tracks": ["TRACK_ACADEMIC"], "capacity": r.randint(1, 5), "availability": ["MON-8"]})
students, affinities = [], []
for i in range(S):
    k = r.choice([1, 1, 2, 3])
    mine = r.sample(subs, k)
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": f"G8-{i%10}",
        "needs": [{"id": f"N{t+1}", "track": "TRACK_ACADEMIC", "subject": s, "priority": r.choice(pri)}
                  for t, s in enumerate(mine)],
        "availability": ["MON-8"]})
    for j in sorted(set(j for s in mine for j in teaches[s])):
        affinities.append({"studentId": f"S{i:05d}", "mentorId": f"T{j:04d}",
                           "score": round(r.uniform(-1, 1), 4)})
policy = {"weights": {"affinity": 10.0}}
json.dump({"students": students, "mentors": mentors, "affinities": affinities, "policy": policy}, sys.stdout)
