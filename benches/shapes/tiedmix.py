import json, sys, random
# Ties with structure: every score ties (no preferences, same years, one slot), but teachers
# teach different pairs of subjects, capacities 1-5, priorities mixed: seats are scarce and
# sharing matters, so the pattern master has to run.
S, M, SEED = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(SEED)
subs = ["math", "physics", "chinese", "english", "biology"]
pris = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_NORMAL", "PRIORITY_LOW"]
students = []
for i in range(S):
    k = rng.choice([1, 2, 2, 3])
    ss = rng.sample(subs, k)
    needs = [{"id": f"N{j+1}", "track": "TRACK_ACADEMIC", "subject": s, "priority": rng.choice(pris)} for j, s in enumerate(ss)]
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": "G8-1", "needs": needs, "availability": ["MON-8"]})
mentors = []
for j in range(M):
    ts = rng.sample(subs, 2)
    mentors.append({"id": f"T{j:04d}", "role": "MENTOR_ROLE_SUBJECT_TEACHER", "subjects": [{"subject": s, "years": 5} for s in ts],
                    "tracks": ["TRACK_ACADEMIC"], "capacity": rng.randint(1, 5), "availability": ["MON-8"]})
json.dump({"students": students, "mentors": mentors}, sys.stdout)
