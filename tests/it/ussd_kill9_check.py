#!/usr/bin/env python3
"""ussd_kill9_check.py JOURNAL PORT DB CONTROL_PHONE - tests/it/test_ussd_kill9.sh's checks
after the restart, against the journal bench/ussd_load.c wrote (see its header) while
langso was killed under it. Prints "ok NAME" / "FAIL NAME" lines (the shell turns them
into its own checks), "# ..." details (the phone, session and history of each failure)
and, last, "COUNTS listed=.. midway=.. inflight=.. ...".

CONTROL_PHONE is a registered household the load never used: its first dial is the home
screen every phone without a session to resume must get.

A sell confirm in flight at the kill may or may not have been committed: the client cannot
tell, the database can (a listing of that phone that no END named). Half of them are
retried as an aggregator does (same session and text: the listing committed, or a new one
when there was none), the other half redialled as a user does (a new session: offered to
resume at the confirm screen if nothing was committed, else not offered).
"""
import http.client
import re
import sqlite3
import sys
import urllib.parse

journal, port, db, control = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
OFFER = "CON Ban dang dung giua chung. Tiep tuc?\n1.Tiep tuc\n2.Bat dau lai"
# the 7th step of the load's sell flow: the confirm of "sell 50 of product P at 30.000d"
SELL_CONFIRM = re.compile(r"^1\*[1-8]\*1\*50\*30000\*1$")
LISTED_END = re.compile(r"END Da dang tin #(\d+)")
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)


def post(session, phone, text):
    body = urllib.parse.urlencode({"sessionId": session, "serviceCode": "*868#",
                                   "phoneNumber": phone, "text": text})
    conn.request("POST", "/ussd", body, {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    return "%s%s" % ("" if r.status == 200 else "HTTP %d: " % r.status, r.read().decode())


def listings():
    """listing id -> its seller's phone, as the database has them now"""
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10) as d:
        return dict(d.execute("select l.id, p.phone from listings l join people p on p.id = l.seller_id"))


def show(s):
    return (s or "").replace("\n", "|")


def hist(h):
    return "" if h == "-" else h


fails = {}


def check(name, good, detail=""):
    """one named check over many cases: ok unless a case failed (the first 10 are shown)"""
    f = fails.setdefault(name, [])
    if not good:
        f.append(detail)


listed, notlisted, states, stop = [], [], [], None
for line in open(journal, encoding="utf-8"):
    w = line.split()
    if not w:
        continue
    if w[0] == "LISTED":
        listed.append((w[1], int(w[2])))
    elif w[0] == "NOTLISTED":
        notlisted.append(w[1:])
    elif w[0] == "STOP":
        stop = line.strip()
    else:
        states.append(w)
by_kind = {}
for w in states:
    by_kind.setdefault(w[0], []).append(w)
inflight_sells = [w for w in by_kind.get("INFLIGHT", []) if SELL_CONFIRM.match(hist(w[3]))]

# ---- every END answered for a sell is a listing of that seller, each its own listing
before = listings()
for phone, lid in listed:
    check("every sell answered END is a listing after the restart, its phone the seller",
          before.get(lid) == phone, "listing #%d answered to %s: in the database %s" %
          (lid, phone, "seller %s" % before[lid] if lid in before else "missing"))
seen = [lid for _, lid in listed]
answered = set(seen)
check("no two sells answered END with the same listing #", len(seen) == len(answered),
      "listing ids answered twice: %s" % sorted({x for x in seen if seen.count(x) > 1})[:10])
for w in notlisted:
    check("every sell answered END names its listing", False, "%s session %s" % (w[0], w[1]))
# the listings no END named: at most one per phone, and only of a phone whose sell
# confirm was in flight at the kill (committed before it, its answer lost)
unseen = {}
for lid, phone in before.items():
    if lid not in answered:
        unseen.setdefault(phone, []).append(lid)
in_flight_phones = {w[1] for w in inflight_sells}
for phone, ids in sorted(unseen.items()):
    check("a listing no END named is only a sell in flight at the kill, one at most",
          phone in in_flight_phones and len(ids) == 1,
          "%s: listings %s never answered END (sell in flight at the kill: %s)" %
          (phone, ids, "yes" if phone in in_flight_phones else "no"))

home = post("kill9-control", control, "")
check("a phone with no session gets the home screen", home.startswith("CON Lang So"),
      "%s: %s" % (control, show(home)))

# ---- the sells in flight at the kill
got = {}          # phone -> listing id the client ends up answered for its sell in flight
committed_redial = {}
retries = redials = 0
for n, w in enumerate(inflight_sells):
    phone, sid, sent = w[1], w[2], hist(w[3])
    was = unseen.get(phone, [])
    where = "%s session %s text %s (%s before the kill)" % (phone, sid, sent,
                                                        "listing #%d committed" % was[0] if was else "nothing committed")
    if n % 2 == 0:
        # the aggregator's retry: the same session and text
        retries += 1
        a = post(sid, phone, sent)
        m = LISTED_END.match(a)
        check("a sell in flight at the kill, retried, is answered END with its listing", m is not None,
              "%s: %s" % (where, show(a)))
        if m is None:
            continue
        lid = int(m.group(1))
        got[phone] = lid
        check("a retried sell committed before the kill is answered with that listing, not a new one",
              lid == was[0] if was else lid not in before, "%s: answered #%d" % (where, lid))
        b = post(sid, phone, sent)
        check("a second retry of the sell gets the same answer", b == a,
              "%s: first %s, then %s" % (where, show(a), show(b)))
        continue
    # the user's redial: a new session
    redials += 1
    rs = "kill9-d%d" % n
    a0 = post(rs, phone, "")
    if was:
        committed_redial[phone] = was[0]
        check("a sell committed before the kill is not offered to resume on a redial", a0 == home,
              "%s: a new session gets %s" % (where, show(a0)))
        continue
    check("a sell not committed at the kill is offered to resume on a redial", a0 == OFFER,
          "%s: a new session gets %s" % (where, show(a0)))
    if a0 != OFFER:
        continue
    a1 = post(rs, phone, "1")
    a2 = post(rs, phone, "1*1")
    ref = post("kill9-dx%d" % n, phone, sent.rsplit("*", 1)[0])
    check("a sell resumed after the kill continues at its confirm screen", a1 == ref and a1.startswith("CON "),
          "%s: 1 gives %s; the confirm screen is %s" % (where, show(a1), show(ref)))
    m = LISTED_END.match(a2)
    check("a resumed sell, confirmed, is answered END with a new listing", m is not None and int(m.group(1)) not in before,
          "%s: confirming gives %s" % (where, show(a2)))
    if m is not None:
        got[phone] = int(m.group(1))
after = listings()
for phone, lid in got.items():
    check("the sell answered after the restart is a listing, its phone the seller",
          after.get(lid) == phone, "%s: listing #%d has seller %s" % (phone, lid, after.get(lid)))
    check("a sell answered after the restart is not a listing answered END to another step",
          lid not in answered, "%s: #%d was already answered END to another step" % (phone, lid))
check("no two sells in flight share a listing", len(got) == len(set(got.values())),
      "ids: %s" % sorted(got.values()))

# ---- every session mid-way at the kill is offered to resume, at its screen; one that
# ended (or was at home) is not
cases = []     # (phone, sid, ended, histories whose screen the session may be at)
for w in by_kind.get("MIDWAY", []):
    cases.append((w[1], w[2], False, [hist(w[3])]))
for w in by_kind.get("INFLIGHT", []):
    sent = hist(w[3])
    if SELL_CONFIRM.match(sent):
        continue
    if w[4] == "none":     # the first step of a session: the one before ended
        cases.append((w[1], w[2], True, [sent]))
    else:                  # answered before the kill or not: either screen
        cases.append((w[1], w[2], False, [hist(w[4]), sent]))
for w in by_kind.get("ENDED", []) + by_kind.get("IDLE", []):
    cases.append((w[1], w[2], True, []))

resumed = 0
for n, (phone, sid, ended, hists) in enumerate(cases):
    a0 = post("kill9-r%d" % n, phone, "")
    a1 = post("kill9-r%d" % n, phone, "1") if a0 == OFFER else None
    # the screen each history shows in a session of its own (replayed from home)
    refs = {h: home if h == "" else post("kill9-x%d-%d" % (n, i), phone, h) for i, h in enumerate(hists)}
    at = [h for h in hists if refs[h].startswith("CON ") and refs[h] != home]
    # no offer is right when the session may have been left with no screen to resume:
    # it ended or was at home, or the step in flight (answered, maybe, before the kill)
    # ended it or went home, or had not been answered and the one before was home
    home_ok = not hists or len(at) < len(hists)
    where = "%s session %s (at %s)" % (phone, sid, " or ".join(repr(h) for h in hists) or "the end")
    name = ("a phone whose last session ended is not offered to resume" if ended else
            "every session mid-way at the kill is offered to resume (none at home)")
    if a0 == OFFER:
        check(name, bool(at), "%s: offered to resume with nothing to resume" % where)
        if at:
            resumed += 1
            check("a session resumed after the kill continues at its screen", a1 in [refs[h] for h in at],
                  "%s: 1 gives %s; expected %s" % (where, show(a1), " or ".join(show(refs[h]) for h in at)))
    elif a0 == home:
        check(name, home_ok, "%s: a new session gets the home screen, not the offer to resume %s" %
              (where, " or ".join(show(refs[h]) for h in at)))
    else:
        check(name, False, "%s: a new session gets %s" % (where, show(a0)))
check("some sessions mid-way at the kill were offered to resume (the check is not empty)", resumed > 0,
      "no session was offered to resume")

# ---- nothing lost, nothing doubled: every listing is one a client was answered, or the
# one sell committed at the kill of a phone that redialled
final = listings()
expect = answered | set(got.values()) | set(committed_redial.values())
check("the listings are exactly the sells answered END, plus those committed at the kill "
      "(%d in the database)" % len(final), set(final) == expect,
      "database %d listings, expected %d (answered %d, after the restart %d, committed at the kill and "
      "redialled %d); not expected: %s; missing: %s" %
      (len(final), len(expect), len(answered), len(got), len(committed_redial),
       sorted(set(final) - expect)[:10], sorted(expect - set(final))[:10]))

for name, f in fails.items():
    if f:
        print("FAIL %s (%d cases)" % (name, len(f)))
        for d in f[:10]:
            print("#   " + d)
    else:
        print("ok " + name)
print("COUNTS listed=%d midway=%d inflight=%d ended=%d idle=%d | sells in flight %d (retried %d, "
      "redialled %d; committed before the kill %d) | resumed %d of %d sessions | listings %d | %s" %
      (len(listed), len(by_kind.get("MIDWAY", [])), len(by_kind.get("INFLIGHT", [])),
       len(by_kind.get("ENDED", [])), len(by_kind.get("IDLE", [])), len(inflight_sells), retries, redials,
       sum(1 for w in inflight_sells if w[1] in unseen), resumed, len(cases), len(final), stop or "no STOP line"))
