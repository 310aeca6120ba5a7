import json, sys, random
# Ties with structure: every score ties (no preferences, same years, one slot), but teachers
# teach different pairs of subjects, capacities 1-5, priorities mixed: seats are scarce and
# sharing matters, so the pattern master has to run.
# Usage: tiedmix.py S M SEED [SLOTS]. SLOTS 1 (the default) puts everyone on MON-8; SLOTS 3
# frees everyone on a random one or two of three slots, so a pair needs a common slot and
# alike teachers are fewer (~60 kinds among 240 instead of 10).
S, M, SEED = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
SLOTS = int(sys.argv[4]) if len(sys.argv) > 4 else 1
rng = random.Random(SEED)
subs = ["math", "physics", "chinese", "english", "biology"]
slots = ["MON-8", "MON-9", "TUE-8"][:SLOTS]
pris = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_NORMAL", "PRIORITY_LOW"]


def free():
    return ["MON-8"] if SLOTS == 1 else rng.sample(slots, rng.randint(1, 2))


students = []
for i in range(S):
    k = rng.choice([1, 2, 2, 3])
    ss = rng.sample(subs, k)
    needs = [{"id": f"N{j+1}", "track": "TRACK_ACADEMIC", "subject": s, "priority": rng.choice(pris)} for j, s in enumerate(ss)]
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": "G8-1", "needs": needs, "availability": free()})
mentors = []
for j in range(M):
    ts = rng.sample(subs, 2)
    mentors.append({"id": f"T{j:04d}", "role": "MENTOR_ROLE_SUBJECT_TEACHER", "subjects": [{"subject": s, "years": 5} for s in ts],
                    "tracks": ["TRACK_ACADEMIC"], "capacity": rng.randint(1, 5), "availability": free()})
json.dump({"students": students, "mentors": mentors}, sys.stdout)
