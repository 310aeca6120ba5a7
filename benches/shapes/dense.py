import json, sys, random
# Dense multi-need: few subjects, many qualified mentors, random slots and preferences,
# mixed priorities; scores vary through preferences and traits.
S, M, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
subs = ["math", "physics", "chinese", "english", "chemistry"]
slots = [f"{d}-{h}" for d in ["MON","TUE","WED"] for h in (8, 9)]
pri = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_NORMAL", "PRIORITY_LOW"]
traits = ["patient", "structured", "creative", "organised", "extroverted", "introverted"]
mentors = []
for j in range(M):
    mentors.append({"id": f"T{j:04d}", "role": "MENTOR_ROLE_SUBJECT_TEACHER",
        "subjects": [{"subject": s, "years": r.randint(1, 30)} for s in r.sample(subs, 3)],
        "tracks": ["TRACK_ACADEMIC"], "capacity": r.randint(1, 5),
        "availability": sorted(r.sample(slots, 3)), "traits": r.sample(traits, 2)})
students = []
for i in range(S):
    k = r.randint(1, 3)
    needs = [{"id": f"N{q+1}", "track": "TRACK_ACADEMIC", "subject": s, "priority": r.choice(pri)} for q, s in enumerate(r.sample(subs, k))]
    prefs = [{"mentorId": f"T{j:04d}", "rank": q+1} for q, j in enumerate(r.sample(range(M), 3))]
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": f"G8-{i%10}", "needs": needs,
        "availability": sorted(r.sample(slots, 3)), "preferences": prefs, "traits": r.sample(traits, 2)})
json.dump({"students": students, "mentors": mentors}, sys.stdout)
