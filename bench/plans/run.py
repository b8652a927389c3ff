#!/usr/bin/env python3
"""Plan budgets of the hot queries on grown data (issue #21): the test and the table.

Starts a throwaway PostgreSQL with auto_explain (every plan, JSON, ANALYZE),
migrates, seeds `clinic seed --scale N` (default 10: 200,000 appointments,
10,000 patients), adds what makes plans honest (a doctor whose user was
created last, as in a clinic that hires), starts `clinic serve` and runs
bench/plans/plans.py's operations. Prints the table; exit 0 when every
operation stays within its budget, 1 otherwise, 77 when PostgreSQL or a built
`clinic` binary is missing (the reason is printed).

  bench/plans/run.py [--scale N] [--clinic BIN] [--keep]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import Postgres, clinic_binary, free_ports, make_base, postgres_bindir, wait_for  # noqa: E402
import plans  # noqa: E402

AUTO_EXPLAIN = """session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_analyze = on
auto_explain.log_buffers = on
auto_explain.log_timing = off
auto_explain.log_format = 'json'
auto_explain.log_nested_statements = on
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--clinic")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    clinic = clinic_binary(ROOT, args.clinic)
    if not postgres_bindir() or not clinic:
        print("SKIPPED: the plan budgets need " + ("PostgreSQL server binaries" if not postgres_bindir() else
                                                   "a built clinic binary (--clinic or CLINIC_BIN)"))
        return 77
    base = make_base("clinic-plans-")
    pg_port, app_port = free_ports(2)
    pg = Postgres(postgres_bindir(), base, "pg", pg_port)
    env = {k: v for k, v in os.environ.items() if not (k.startswith("CLINIC_") or k.startswith("DATABASE_") or k.startswith("RATE_LIMIT"))}
    env.update({"DATABASE_URL": f"postgresql://clinic@127.0.0.1:{pg_port}/clinic", "CLINIC_DATA_DIR": os.path.join(base, "data"),
                "CLINIC_PORT": str(app_port), "RATE_LIMIT_ANON": "1000000/hour", "RATE_LIMIT_USER": "1000000/hour",
                "LOG_LEVEL": "warn", "JWT_SECRET": "plans-test-secret-plans-test-secret-0123"})
    server = None
    status = 1
    try:
        pg.init(AUTO_EXPLAIN)
        pg.start()
        pg.sql("CREATE DATABASE clinic", db="postgres")
        subprocess.run([clinic, "migrate"], env=env, check=True, capture_output=True)
        started = time.time()
        subprocess.run([clinic, "seed", "--scale", str(args.scale)], env=env, check=True, capture_output=True)
        print(f"seeded scale {args.scale} in {time.time() - started:.0f} s: "
              f"{pg.sql('SELECT count(*) FROM appointments')} appointments, {pg.sql('SELECT count(*) FROM patients')} patients")
        server = subprocess.Popen([clinic, "serve", "--no-worker"], env=env, stdout=open(os.path.join(base, "serve.log"), "ab"),
                                  stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{app_port}/graphql"
        wait_for("clinic serve", lambda: urllib.request.urlopen(f"http://127.0.0.1:{app_port}/readyz", timeout=2).status == 200)

        def login(email, password):
            r = plans.post(url, 'mutation { login(email: "%s", password: "%s") { accessToken } }' % (email, password), None)
            return r["data"]["login"]["accessToken"]
        admin = login("bench-admin@clinic.test", "bench-admin-pass")
        # A doctor hired after every patient registered: the newest user id. A plan that walks the
        # users index from its start to reach doctors' users reads the whole table for it.
        hired = plans.post(url, """mutation { createDoctor(input: {email: "hired.last@clinic.test", password: "hired-last-doctor-pass",
            firstName: "Zoe", lastName: "Last", licenseNumber: "LAST-1", specialization: "Cardiología", experienceYears: 1,
            consultationFee: "10.00"}) { id } }""", admin)
        if hired.get("errors"):
            raise RuntimeError(f"createDoctor: {hired['errors']}")
        # The seed sends nothing; a clinic's outbox and audit log grow with every booking.
        pg.sql("INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, status, sent_at) "
               "SELECT p.user_id, a.id, 'EMAIL', 'BOOKING_CONFIRMATION', 's', 'b', 'x@clinic.test', 'SENT', a.created_at "
               "FROM appointments a JOIN patients p ON p.id = a.patient_id")
        pg.sql("VACUUM ANALYZE")  # what autovacuum keeps: the trigram indexes' statistics too
        tokens = {"admin": admin, "patient": login("patient1@bench.test", "bench-patient-pass")}
        results = plans.run(url, pg.logfile, tokens)
        print(plans.table(results))
        status = 0 if all(r["ok"] for r in results) else 1
        with open(os.path.join(base, "plans.json"), "w") as f:
            json.dump(results, f, indent=1)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        pg.stop()
        if args.keep or status:
            print(f"kept {base} (PostgreSQL log with every plan: {pg.logfile})")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
