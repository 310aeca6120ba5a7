import json, sys, random
# Single need per student, scores from another formula: every feasible pair gets a caller
# affinity (uniform in [-1, 1]) weighted far above the engine's own components, as a platform
# that scores pairs itself would send them. One subject, every slot shared, so each student has
# about M * share feasible mentors (`share` of the mentors teach the subject).
#   python3 affinity.py S M SEED [share] [capacities]   (900 240 1 0.185 3-5: 55 k pairs,
#   970 seats; 1-5: ~750 seats, needs left over)
S, M, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.185
cap_lo, cap_hi = (int(x) for x in (sys.argv[5] if len(sys.argv) > 5 else "3-5").split("-"))
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
    s = r.choice(subs)
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": f"G8-{i%10}",
        "needs": [{"id": "N1", "track": "TRACK_ACADEMIC", "subject": s, "priority": r.choice(pri)}],
        "availability": ["MON-8"]})
    for j in teaches[s]:
        affinities.append({"studentId": f"S{i:05d}", "mentorId": f"T{j:04d}",
                           "score": round(r.uniform(-1, 1), 4)})
policy = {"weights": {"affinity": 10.0}}
json.dump({"students": students, "mentors": mentors, "affinities": affinities, "policy": policy}, sys.stdout)
