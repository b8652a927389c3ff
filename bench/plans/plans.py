#!/usr/bin/env python3
"""What each hot query of the API makes PostgreSQL read (issue #21).

Runs the web client's hot GraphQL operations through a running `clinic serve`
whose PostgreSQL logs every plan with auto_explain (JSON, ANALYZE, BUFFERS),
reads those plans back from the server log and measures, per operation:

  rows read   every row a scan of a growing table touched (returned + removed
              by filters and rechecks) times its loops: the work, whatever the
              page size (doctors, hours and settings grow with the staff, not
              with the history, and are left out)
  seq scans   sequential scans of the tables that grow with the clinic's history
  time        the statements' total execution time

An operation passes when no statement seq-scans a growing table and its rows
read stay within its budget (a multiple of the page it returns, never of the
data kept). Run by PlanBudgetTests on scale-10 data; by hand:

  bench/plans/plans.py --url http://127.0.0.1:8080/graphql --log PGLOG \
      --admin-token T --patient-token T [--json]
"""
import argparse
import json
import re
import sys
import time
import urllib.request
from datetime import date, timedelta

# Tables whose size follows the clinic's volume. Left out: doctors, settings and hours (the staff's
# size) and appointment_date_counts (five rows per calendar day, whatever the volume).
GROWING = {"appointments", "patients", "users", "notifications", "audit_log", "refresh_tokens", "reset_tokens",
           "appointment_month_counts", "appointment_daily_counts"}


def operations(today, doctor_id, patient_id):
    """(name, role, query, rows-read budget): the web client's hot operations."""
    d = lambda n: (today + timedelta(days=n)).isoformat()
    day = today + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return [
        ("doctors list (public, 20)", None,
         "{ doctors(first: 20) { nodes { id specialization consultationFee user { fullName } } } }", 400),
        ("doctor by specialization (public, 20)", None,
         '{ doctors(first: 20, filter: {specialization: "Cardiología"}) { nodes { id user { fullName } } } }', 400),
        ("free slots (public, one doctor one day)", None,
         '{ availableSlots(doctorId: "%s", date: "%s") { time } }' % (doctor_id, day), 400),
        ("patient dashboard (next 10)", "patient",
         '{ appointments(first: 10, filter: {status: [SCHEDULED, CONFIRMED], from: "%s"}) '
         '{ nodes { date time status doctor { specialization user { fullName } } } } }' % today, 400),
        ("patient history (last 20)", "patient",
         '{ appointments(first: 20, orderBy: {field: STARTS_AT, direction: DESC}) { nodes { date status } } }', 400),
        ("me", "patient", "{ me { id fullName role patient { id } } }", 50),
        ("admin list (100 in a 60-day window)", "admin",
         '{ appointments(first: 100, filter: {from: "%s", to: "%s"}) { nodes { date time status '
         'patient { user { fullName } } doctor { user { fullName } } } } }' % (d(-30), d(30)), 2000),
        ("admin list, one doctor (100)", "admin",
         '{ appointments(first: 100, filter: {doctorId: "%s", from: "%s", to: "%s"}) { nodes { date status } } }'
         % (doctor_id, d(-30), d(30)), 2000),
        ("admin list, newest first (100)", "admin",
         '{ appointments(first: 100, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { date status } } }', 2000),
        ("admin list, cancelled (100)", "admin",
         '{ appointments(first: 100, filter: {status: [CANCELLED], from: "%s", to: "%s"}) { nodes { date status } } }'
         % (d(-30), d(30)), 2000),
        ("day board (one day, 100)", "admin",
         '{ appointments(first: 100, filter: {from: "%s", to: "%s"}) { nodes { time status '
         'patient { user { fullName phone } } doctor { user { fullName } } } } }' % (day, day), 2000),
        ("one patient's appointments (staff, 20)", "admin",
         '{ appointments(first: 20, filter: {patientId: "%s"}) { nodes { date status } } }' % patient_id, 400),
        # A surname fragment: the trigram index reads the matching users, so the work follows the
        # matches (a two-letter or very common fragment such as "mar" matches a tenth of all users,
        # and the planner then reads the whole table instead).
        ("patients search (20)", "admin",
         '{ patients(first: 20, search: "gar") { nodes { id user { fullName email } } } }', 4000),
        ("users list (20)", "admin", "{ users(first: 20) { nodes { id email role } } }", 400),
        ("doctor week schedule", "admin",
         '{ doctor(id: "%s") { schedule(from: "%s", to: "%s") { date slots { time } } } }' % (doctor_id, day, day + timedelta(days=6)),
         1000),
        ("notifications (20)", "patient", "{ notifications(first: 20) { nodes { id status } } }", 400),
        ("report, the last 365 days", "admin",
         '{ report(from: "%s", to: "%s") { totalAppointments byStatus { status count } daily { date booked } '
         'byDoctor { appointments completed } bySpecialization { specialization appointments } } }' % (d(-364), d(0)), 5000),
    ]


def read_plans(log, start):
    """auto_explain JSON plans logged after byte offset `start`."""
    with open(log, "rb") as f:
        f.seek(start)
        text = f.read().decode(errors="replace")
    plans = []
    for m in re.finditer(r"duration: ([0-9.]+) ms  plan:\n((?:\t[^\n]*\n?)+)", text):
        try:
            plans.append((float(m.group(1)), json.loads("".join(line[1:] + "\n" for line in m.group(2).splitlines()))))
        except ValueError:
            pass
    return plans


def walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


def measure(plan):
    rows, seq = 0, []
    for n in walk(plan["Plan"]):
        if "Relation Name" in n or n["Node Type"].endswith("Scan"):
            loops = n.get("Actual Loops", 1)
            touched = n.get("Actual Rows", 0) + n.get("Rows Removed by Filter", 0) + n.get("Rows Removed by Index Recheck", 0)
            if n.get("Relation Name") in GROWING:
                rows += touched * loops
            if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in GROWING:
                seq.append(n["Relation Name"])
    return rows, seq


def post(url, query, token):
    req = urllib.request.Request(url, json.dumps({"query": query}).encode(), {"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def run(url, log, tokens, today=None):
    today = today or date.today()
    first = post(url, "{ doctors(first: 1) { nodes { id } } }", None)
    doctor_id = first["data"]["doctors"]["nodes"][0]["id"]
    admin = tokens["admin"]
    some = post(url, '{ patients(first: 1) { nodes { id } } }', admin)
    patient_id = some["data"]["patients"]["nodes"][0]["id"]
    results = []
    for name, role, query, budget in operations(today, doctor_id, patient_id):
        token = tokens.get(role) if role else None
        post(url, query, token)  # warm: caches, prepared statements
        time.sleep(0.3)
        with open(log, "rb") as f:
            f.seek(0, 2)
            start = f.tell()
        answer = post(url, query, token)
        time.sleep(0.5)  # the log is written asynchronously
        plans = read_plans(log, start)
        rows = sum(measure(p)[0] for _, p in plans)
        seq = sorted({t for _, p in plans for t in measure(p)[1]})
        ms = sum(t for t, _ in plans)
        worst = max(plans, key=lambda tp: measure(tp[1])[0], default=(0, {"Query Text": ""}))[1].get("Query Text", "")
        results.append({"name": name, "statements": len(plans), "rows_read": rows, "budget": budget, "seq_scans": seq,
                        "ms": round(ms, 2), "errors": answer.get("errors"),
                        "ok": not answer.get("errors") and not seq and rows <= budget,
                        "worst_statement": " ".join(worst.split())[:300]})
    return results


def table(results):
    lines = ["| operation | statements | rows read | budget | seq scans | ms | |", "|---|---:|---:|---:|---|---:|---|"]
    for r in results:
        verdict = "ok" if r["ok"] else "OVER: " + (str(r["errors"])[:100] if r["errors"] else r["worst_statement"][:160])
        lines.append(f"| {r['name']} | {r['statements']} | {r['rows_read']} | {r['budget']} | "
                     f"{','.join(r['seq_scans']) or '-'} | {r['ms']} | {verdict} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--log", required=True, help="PostgreSQL's log file (auto_explain, JSON format)")
    ap.add_argument("--admin-token", required=True)
    ap.add_argument("--patient-token", required=True)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    results = run(a.url, a.log, {"admin": a.admin_token, "patient": a.patient_token})
    print(json.dumps(results, indent=1) if a.json else table(results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
