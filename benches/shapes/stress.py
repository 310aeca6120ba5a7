import json, sys, random
# Hard-rule and supply variants of a request, to check the engine on shapes `generate` never
# makes. Usage: stress.py IN.json KIND OUT.json, where KIND is one of
#   cap1       every mentor takes one student (seats for a fifth of the needs or fewer)
#   urgent     every need urgent (one coverage level: every trade is within it)
#   few        only the first quarter of the mentors (preferences for the others dropped)
#   nofirst    every student's first and second choices forbidden (forbiddenPairs)
#   locks:PLAN a tenth of PLAN's pairs locked and the next fifth forbidden (PLAN: the
#              `solve --format json` answer of IN, so every lock is feasible)
d = json.load(open(sys.argv[1]))
kind, out = sys.argv[2], sys.argv[3]
rnd = random.Random(7)
if kind == "cap1":
    for m in d["mentors"]:
        m["capacity"] = 1
elif kind == "urgent":
    for s in d["students"]:
        for n in s["needs"]:
            n["priority"] = "PRIORITY_URGENT"
elif kind == "few":
    d["mentors"] = d["mentors"][: len(d["mentors"]) // 4]
    ids = {m["id"] for m in d["mentors"]}
    for s in d["students"]:
        s["preferences"] = [p for p in s.get("preferences", []) if p["mentorId"] in ids]
elif kind == "nofirst":
    d["forbiddenPairs"] = [
        {"studentId": s["id"], "mentorId": p["mentorId"]}
        for s in d["students"]
        for p in s.get("preferences", [])
        if p["rank"] <= 2
    ]
elif kind.startswith("locks:"):
    plan = json.load(open(kind.split(":", 1)[1]))
    pairs = sorted({(a["studentId"], a["mentorId"]) for a in plan["assignments"]})
    rnd.shuffle(pairs)
    k = len(pairs) // 10
    d["lockedPairs"] = [{"studentId": s, "mentorId": m} for s, m in pairs[:k]]
    d["forbiddenPairs"] = [{"studentId": s, "mentorId": m} for s, m in pairs[k : 3 * k]]
else:
    sys.exit(f"unknown kind {kind}")
json.dump(d, open(out, "w"))
