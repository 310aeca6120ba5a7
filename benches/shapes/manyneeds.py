import json, sys, random
# More needs than mentors allowed: every student of a request gets up to K extra needs, in
# subjects and domains the school already uses (one each, drawn at random), at mixed
# priorities. With K >= 2 many students have more needs than `maxMentorsPerStudent` (3), seats
# are scarce, and only seat sharing covers most of them: the rounds' network covers one need
# per seat unless a bundle is committed, and a bundle goes to one seat whole or not at all.
# Usage: manyneeds.py IN.json OUT.json K SEED   (e.g. IN from `mentor-match generate
# --students 900 --mentors 240`; K 4 gives 2,945 needs, 1,033 seats)
d = json.load(open(sys.argv[1]))
K = int(sys.argv[3])
rnd = random.Random(int(sys.argv[4]))
pool = {}
for s in d['students']:
    for n in s['needs']:
        key = (n['track'], n.get('subject'))
        pool[key] = {k: v for k, v in n.items() if k not in ('id', 'priority')}
keys = sorted(pool, key=lambda k: (k[0], k[1] or ''))
pri = ['PRIORITY_URGENT', 'PRIORITY_HIGH', 'PRIORITY_NORMAL', 'PRIORITY_NORMAL', 'PRIORITY_LOW']
for s in d['students']:
    have = {(n['track'], n.get('subject')) for n in s['needs']}
    extra = [k for k in keys if k not in have]
    rnd.shuffle(extra)
    i = len(s['needs'])
    for k in extra[:rnd.randint(0, K)]:
        i += 1
        n = dict(pool[k])
        n['id'] = f'N{i}'
        n['priority'] = rnd.choice(pri)
        s['needs'].append(n)
json.dump(d, open(sys.argv[2], 'w'))
