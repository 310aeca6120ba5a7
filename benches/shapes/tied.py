import json, sys
# Every tie, multi-need: identical subject teachers for math+physics+chinese, every slot shared,
# each student 2-3 academic needs in those subjects, no preferences. Every pair shareable.
S, M, K = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
subs = ["math", "physics", "chinese"]
students = []
for i in range(S):
    needs = [{"id": f"N{k+1}", "track": "TRACK_ACADEMIC", "subject": subs[k % 3], "priority": "PRIORITY_NORMAL"} for k in range(K)]
    students.append({"id": f"S{i:05d}", "grade": 8, "classId": "G8-1", "needs": needs, "availability": ["MON-8"]})
mentors = [{"id": f"T{j:04d}", "role": "MENTOR_ROLE_SUBJECT_TEACHER", "subjects": [{"subject": s, "years": 5} for s in subs],
            "tracks": ["TRACK_ACADEMIC"], "capacity": 5, "availability": ["MON-8"]} for j in range(M)]
json.dump({"students": students, "mentors": mentors}, sys.stdout)
