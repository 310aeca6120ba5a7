import json, sys, random
# Homeroom schools: students in classes of ~45, each class taught by its own few teachers (one
# or two subjects each, so one teacher often covers two needs of a student: heavy seat
# sharing), grade counsellors for psychological needs, a few coaches for talent needs; a
# class's students share most of its slots; preferences crowd on the class's head teacher
# (many tied first choices). Every mentor may take students of any class; the class's own
# teachers share their slots, so most feasible pairs stay inside the grade.
#
# Usage: homeroom.py STUDENTS SEED [TEACHERS_PER_CLASS] [NEEDS_MAX]
S, seed = int(sys.argv[1]), int(sys.argv[2])
per_class = int(sys.argv[3]) if len(sys.argv) > 3 else 7
needs_max = int(sys.argv[4]) if len(sys.argv) > 4 else 4
r = random.Random(seed)
subjects = ["math", "physics", "chinese", "english", "chemistry", "biology"]
domains = ["robotics", "basketball", "art", "music"]
topics_psy = ["anxiety", "family", "motivation"]
days = ["MON", "TUE", "WED", "THU", "FRI"]
pri = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_HIGH", "PRIORITY_NORMAL",
       "PRIORITY_NORMAL", "PRIORITY_NORMAL", "PRIORITY_LOW"]
traits = ["patient", "structured", "creative", "calm", "extroverted", "introverted"]
classes = max(1, S // 45)
mentors, students = [], []
class_slots, class_teachers = [], []
for c in range(classes):
    grade = 7 + c % 3
    slots = sorted(r.sample([f"{d}-{h}" for d in days for h in (8, 9, 10)], 4))
    class_slots.append(slots)
    ids = []
    for t in range(per_class):
        j = len(mentors)
        subs = r.sample(subjects, r.choice([1, 2, 2]))
        mentors.append({"id": f"T{j:05d}",
            "role": "MENTOR_ROLE_HEAD_TEACHER" if t == 0 else "MENTOR_ROLE_SUBJECT_TEACHER",
            "subjects": [{"subject": s, "years": r.randint(1, 25)} for s in subs],
            "tracks": ["TRACK_ACADEMIC"], "capacity": r.randint(3, 5),
            "availability": sorted(set(slots[:3] + r.sample(slots, 1))),
            "traits": r.sample(traits, 2)})
        ids.append(j)
    class_teachers.append(ids)
    if c % 3 == 2 or c == classes - 1:
        # A grade counsellor and a coach for every three classes, free on most afternoons.
        for role, extra in (("MENTOR_ROLE_ADMINISTRATOR", {"counselling": {"certificate": True,
                "trained": True, "years": r.randint(2, 20), "topics": r.sample(topics_psy, 2)},
                "tracks": ["TRACK_PSYCHOLOGICAL"]}),
                ("MENTOR_ROLE_SUBJECT_TEACHER", {"coaching": [{"domain": d, "competitions":
                r.randint(1, 9)} for d in r.sample(domains, 2)], "tracks": ["TRACK_TALENT"]})):
            j = len(mentors)
            m = {"id": f"T{j:05d}", "role": role, "capacity": 5,
                 "availability": sorted(r.sample([f"{d}-{h}" for d in days for h in (8, 9, 10)], 9)),
                 "traits": r.sample(traits, 2)}
            m.update(extra)
            mentors.append(m)
for i in range(S):
    c = i % classes
    k = r.randint(1, needs_max)
    needs = []
    for q, s in enumerate(r.sample(subjects, min(k, 3))):
        needs.append({"id": f"N{q + 1}", "track": "TRACK_ACADEMIC", "subject": s,
                      "priority": r.choice(pri)})
    if k > 3 or r.random() < 0.15:
        needs.append({"id": f"N{len(needs) + 1}", "track": "TRACK_PSYCHOLOGICAL",
                      "subject": r.choice(topics_psy), "priority": r.choice(pri[:4])})
    if r.random() < 0.2:
        needs.append({"id": f"N{len(needs) + 1}", "track": "TRACK_TALENT",
                      "subject": r.choice(domains), "priority": "PRIORITY_LOW"})
    teachers = class_teachers[c]
    ranked = [teachers[0]] + r.sample(teachers[1:], min(len(teachers) - 1, r.randint(0, 3)))
    students.append({"id": f"S{i:06d}", "grade": 7 + c % 3, "classId": f"C{c:04d}",
        "needs": needs, "availability": sorted(r.sample(class_slots[c], 3)),
        "preferences": [{"mentorId": f"T{j:05d}", "rank": q + 1} for q, j in enumerate(ranked)],
        "traits": r.sample(traits, 2)})
json.dump({"students": students, "mentors": mentors}, sys.stdout)
