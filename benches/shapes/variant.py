import json, sys
# Policy variants of a request: python3 variant.py in.json out.json key=value ...
d = json.load(open(sys.argv[1]))
pol = d.setdefault("policy", {})
for kv in sys.argv[3:]:
    k, v = kv.split("=", 1)
    pol[k] = json.loads(v)
json.dump(d, open(sys.argv[2], "w"))
