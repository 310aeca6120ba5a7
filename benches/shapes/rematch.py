import json, sys, random
# A mid-year rematch request (mentormatch.v1.RematchRequest JSON) from a request and its answer,
# to check the engine on the rematches coordinators run, on shapes `generate` never makes.
# Usage: rematch.py IN.json PLAN.json OUT.json SEED FAIL MODE [MAX_CHANGES] [CUT]
#   PLAN   the `solve --format json` answer of IN: its pairs are the pairs as they stand
#   FAIL   share of those pairs evaluated not working (the rest working), drawn with SEED
#   MODE   lock (working pairs locked) or penalty (a penalty per changed need)
#   MAX_CHANGES  maxChanges, or - for none (default -)
#   CUT    share of the mentors whose capacity drops by one (default 0)
inp, plan, out, seed, fail, mode = sys.argv[1:7]
max_changes = sys.argv[7] if len(sys.argv) > 7 else "-"
cut = float(sys.argv[8]) if len(sys.argv) > 8 else 0.0
rnd = random.Random(int(seed))
request = json.load(open(inp))
answer = json.load(open(plan))
current = [
    {
        "studentId": a["studentId"],
        "mentorId": a["mentorId"],
        "needIds": [n["needId"] for n in a["needs"]],
        "evaluation": "EVALUATION_NOT_WORKING" if rnd.random() < float(fail) else "EVALUATION_WORKING",
    }
    for a in answer["assignments"]
]
for m in request["mentors"]:
    if rnd.random() < cut:
        m["capacity"] = max(1, m.get("capacity", 1) - 1)
rematch = {"keepMode": {"lock": "KEEP_MODE_LOCK", "penalty": "KEEP_MODE_PENALTY"}[mode]}
if max_changes != "-":
    rematch["maxChanges"] = int(max_changes)
json.dump({"request": request, "currentPairs": current, "rematch": rematch}, open(out, "w"))
