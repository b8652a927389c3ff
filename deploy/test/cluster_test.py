#!/usr/bin/env python3
"""The production layout of deploy/, started for real on this machine (issue #18).

PostgreSQL primary with a streaming replica, three `clinic serve --no-worker`
instances, two `clinic worker` processes and nginx (deploy/nginx/clinic.conf,
with the ports and a self-signed certificate substituted), all in a temporary
directory. Then, through nginx over HTTPS:

  tls        HTTPS answers with HSTS; plain HTTP redirects to HTTPS
  spread     the load reaches every instance (their own /metrics counters)
  slots      every instance keeps a repeated free-slot list; a booking made
             through nginx (one instance) shows on all three within a second
  failover   under load, one instance SIGKILLed and another restarted with
             SIGTERM (its /readyz turns 503 "draining" first): no query fails; every booking the client saw succeed is
             in the database once, none twice
  staleness  the doctor list is read on the replica; with its replay paused
             beyond REPLICA_MAX_LAG_MS every instance answers it from the
             primary (the change made meanwhile is seen)
  replica    the replica stopped: a report fails quickly with SERVICE_UNAVAILABLE,
             the doctor list still answers, bookings still work; started
             again: reports work
  backup     the daily backup scheduled (via the API) for 00:00: exactly one of
             the two workers takes today's, the archive is in BACKUP_DIR and
             in BACKUP_COPY_DIR, the superadmin sees the result, and
             `clinic restore` of the copy into a new database has the data
  outbox     500 SMS queued: the two workers send each exactly once (counted by
             the webhook sink, by Idempotency-Key), both take a share
  lockout    10 failed logins on one account spread by nginx over the servers
             (from 10 client addresses): the 11th, with the right password, is
             refused by every server

Usage: deploy/test/cluster_test.py [--clinic BIN] [--keep]
Exit status: 0 passed, 1 failed, 77 skipped (a needed program is missing; the
reason is printed). Python standard library only.
"""
import argparse
import http.client
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from testlib import Postgres, clinic_binary, free_ports, make_base, postgres_bindir, wait_for  # noqa: E402
SKIP = 77
failures = []


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def check(cond, what):
    log(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)
    return cond


class Client:
    """HTTPS to nginx, one kept-alive connection per client (reopened after an error)."""

    def __init__(self, port, context, token=None):
        self.port, self.context, self.token, self.conn = port, context, token, None

    def request(self, method, path, body=None, headers=None):
        h = {"Accept": "application/graphql-response+json, application/json"}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        if self.conn is None:
            self.conn = http.client.HTTPSConnection("localhost", self.port, context=self.context, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
            data = r.read()
            return r.status, dict(r.getheaders()), data
        except Exception:
            self.conn.close()
            self.conn = None
            raise

    def gql(self, query, variables=None, get=False):
        if get:
            path = "/graphql?" + urllib.parse.urlencode({"query": query, **({"variables": json.dumps(variables)} if variables else {})})
            status, headers, data = self.request("GET", path)
        else:
            status, headers, data = self.request("POST", "/graphql", json.dumps({"query": query, "variables": variables or {}}),
                                                 {"Content-Type": "application/json"})
        return status, headers, json.loads(data) if data.startswith(b"{") else {"raw": data.decode(errors="replace")}

    def must(self, query, variables=None):
        status, _, body = self.gql(query, variables)
        if status != 200 or body.get("errors"):
            raise RuntimeError(f"{status}: {json.dumps(body)[:500]}")
        return body["data"]


class SMSSink(http.server.ThreadingHTTPServer):
    """The SMS webhook: records each delivery's Idempotency-Key."""

    def __init__(self, port):
        self.lock = threading.Lock()
        self.keys = []
        self.paths = []

        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                # A provider takes its time: 10 ms a message keeps one worker from draining the whole
                # outbox between two polls of the other (1 s), which made the share check flaky under load.
                time.sleep(0.01)
                with sink.lock:
                    sink.keys.append(self.headers.get("Idempotency-Key"))
                    sink.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", port), Handler)


class Cluster:
    def __init__(self, clinic, base):
        self.clinic, self.base = clinic, base
        self.procs = {}
        bindir = postgres_bindir()
        (self.pg_port, self.replica_port, self.https_port, self.http_port, self.sms_port,
         *self.app_ports) = free_ports(8)
        self.primary = Postgres(bindir, base, "primary", self.pg_port)
        self.replica = Postgres(bindir, base, "replica", self.replica_port)
        self.env = {k: v for k, v in os.environ.items()
                    if not (k.startswith("CLINIC_") or k.startswith("DATABASE_") or k.startswith("RATE_LIMIT") or
                            k in ("SMTP_URL", "SMS_WEBHOOK_URL", "JWT_SECRET"))}
        self.env.update({
            "DATABASE_URL": f"postgresql://clinic@127.0.0.1:{self.pg_port}/clinic",
            "DATABASE_READ_URL": f"postgresql://clinic@127.0.0.1:{self.replica_port}/clinic",
            "CLINIC_ENV": "production",
            "JWT_SECRET": secrets.token_hex(32),
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "CLINIC_PUBLIC_URL": f"https://localhost:{self.https_port}",
            "SMS_WEBHOOK_URL": f"http://127.0.0.1:{self.sms_port}/sms",
            "RATE_LIMIT_ANON": "1000000/hour",
            "RATE_LIMIT_USER": "1000000/hour",
            "CLINIC_DATA_DIR": os.path.join(base, "data"),
            "BACKUP_DIR": os.path.join(base, "backups"),
            "BACKUP_COPY_DIR": os.path.join(base, "backup-copy"),
            "LOG_FORMAT": "json",
            "DB_POOL_SIZE": "4",
        })

    # -- processes -------------------------------------------------------------------------------

    def spawn(self, name, argv, env=None):
        logf = open(os.path.join(self.base, name + ".log"), "ab")
        self.procs[name] = subprocess.Popen(argv, env=env or self.env, stdout=logf, stderr=subprocess.STDOUT)
        return self.procs[name]

    def start_app(self, i):
        port = self.app_ports[i]
        self.spawn(f"app{i}", [self.clinic, "serve", "--no-worker"], dict(self.env, CLINIC_PORT=str(port)))
        wait_for(f"app{i} /readyz", lambda: self.direct(port, "/readyz")[0] == 200)

    def direct(self, port, path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            c.request("GET", path)
            r = c.getresponse()
            return r.status, r.read().decode()
        finally:
            c.close()

    def served_requests(self, i):
        _, text = self.direct(self.app_ports[i], "/metrics")
        return sum(float(m) for m in re.findall(r"^clinic_http_requests_total\{[^}]*\} (\S+)$", text, re.M))

    def start(self):
        log("PostgreSQL primary")
        self.primary.init("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
        self.primary.start()
        self.primary.sql("CREATE DATABASE clinic", db="postgres")
        log("streaming replica (pg_basebackup -R)")
        self.replica.init_replica(self.primary)
        self.replica.start()
        wait_for("replica in recovery", lambda: self.replica.sql("SELECT pg_is_in_recovery()") == "t")
        log("clinic migrate, create-superadmin")
        subprocess.run([self.clinic, "migrate"], env=self.env, check=True, capture_output=True)
        subprocess.run([self.clinic, "create-superadmin", "--email", "root@clinic.example"], env=self.env, check=True,
                       input=b"cluster-test-superadmin-pass\n", capture_output=True)
        os.makedirs(self.env["BACKUP_COPY_DIR"])
        self.sms = SMSSink(self.sms_port)
        threading.Thread(target=self.sms.serve_forever, daemon=True).start()
        log(f"three servers on {self.app_ports}, two workers")
        for i in range(3):
            self.start_app(i)
        for i in range(2):  # each worker its own webhook path, so the sink sees who sent what
            self.spawn(f"worker{i}", [self.clinic, "worker"], dict(self.env, SMS_WEBHOOK_URL=self.env["SMS_WEBHOOK_URL"] + str(i)))
        log("nginx with a self-signed certificate")
        self.start_nginx()

    def start_nginx(self):
        d = os.path.join(self.base, "nginx")
        os.makedirs(d)
        self.cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True)
        site = open(os.path.join(ROOT, "deploy/nginx/clinic.conf")).read()
        ports = iter(self.app_ports)
        site = re.sub(r"server 127\.0\.0\.1:\d+", lambda _: f"server 127.0.0.1:{next(ports)}", site)
        site = re.sub(r"\n\s*listen \[::\]:[^\n]*", "", site)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;")
        site = site.replace("https://$host$request_uri", f"https://$host:{self.https_port}$request_uri")
        site = site.replace("/etc/ssl/clinic/fullchain.pem", self.cert).replace("/etc/ssl/clinic/privkey.pem", key)
        site = site.replace("server_name clinic.example.org;", "server_name localhost;")
        for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(d, t), mode=0o777)
            os.chmod(os.path.join(d, t), 0o777)
        temp = "".join(f"    {t}_temp_path {d}/{t};\n".replace("body_temp", "client_body_temp") for t in
                       ("body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = (("user nobody nogroup;\n" if os.geteuid() == 0 else "") +
                f"worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
                "events { worker_connections 4096; }\n"
                f"http {{\n    include /etc/nginx/mime.types;\n    access_log {d}/access.log;\n{temp}{site}\n}}\n")
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(conf)
        subprocess.run(["nginx", "-t", "-p", d + "/", "-c", d + "/nginx.conf"], check=True, capture_output=True)
        self.spawn("nginx", ["nginx", "-p", d + "/", "-c", d + "/nginx.conf", "-g", "daemon off;"])
        self.tls = ssl.create_default_context(cafile=self.cert)
        wait_for("nginx", lambda: Client(self.https_port, self.tls).request("GET", "/healthz")[0] == 200)

    def stop(self):
        for name, p in self.procs.items():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs.values():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        if hasattr(self, "sms"):
            self.sms.shutdown()
        self.replica.stop()
        self.primary.stop()

    def client(self, token=None):
        return Client(self.https_port, self.tls, token)


# -- scenarios ---------------------------------------------------------------------------------------

def setup_data(c):
    root = c.client()
    token = root.must('mutation { login(email: "root@clinic.example", password: "cluster-test-superadmin-pass") { accessToken } }')
    admin = c.client(token["login"]["accessToken"])
    # These scenarios book many slots as one patient to watch failover; the per-patient
    # booking rules (issue #17, tested in ClinicBookingRulesTests) would refuse most of them.
    admin.must("""mutation { updateSystemSettings(input: {maxActiveAppointmentsPerPatient: 1000, onePerDoctorPerDay: false,
                                                             minimumNoticeMinutes: 0}) { clinicName } }""")
    doctor = admin.must("""mutation($i: CreateDoctorInput!) { createDoctor(input: $i) { id } }""",
                        {"i": {"email": "dr.cluster@clinic.example", "password": "cluster-test-doctor-pass",
                               "firstName": "Ana", "lastName": "Cluster", "licenseNumber": "CL-1",
                               "specialization": "General", "experienceYears": 5, "consultationFee": "50.00"}})["createDoctor"]["id"]
    admin.must("""mutation($d: ID!, $h: [WorkingHoursInput!]!) { setWorkingHours(doctorId: $d, hours: $h) { id } }""",
               {"d": doctor, "h": [{"weekday": w, "start": "08:00", "end": "20:00", "slotMinutes": 30} for w in range(1, 8)]})
    reg = c.client().must("""mutation($i: RegisterInput!) { register(input: $i) { accessToken } }""",
                          {"i": {"email": "patient.cluster@clinic.example", "password": "cluster-test-patient-pass",
                                 "firstName": "Pat", "lastName": "Cluster", "dateOfBirth": "1980-01-02", "gender": "UNDISCLOSED",
                                 "address": "Calle 1", "emergencyContact": "Someone", "emergencyPhone": "+34600000000"}})
    patient = c.client(reg["register"]["accessToken"])
    slots = []
    for days in range(2, 32):
        day = (date.today() + timedelta(days=days)).isoformat()
        got = admin.must("query($d: ID!, $day: Date!) { availableSlots(doctorId: $d, date: $day) { date time } }",
                         {"d": doctor, "day": day})["availableSlots"]
        slots += [(s["date"], s["time"]) for s in got]
    return admin, patient, doctor, slots


def scenario_tls(c):
    status, headers, _ = c.client().gql("{ __typename }")
    check(status == 200, "HTTPS: a query through nginx answers 200")
    check("preload" in headers.get("Strict-Transport-Security", ""), "HTTPS: HSTS with preload")
    h = http.client.HTTPConnection("127.0.0.1", c.http_port, timeout=5)
    h.request("GET", "/graphql?query=%7B__typename%7D", headers={"Host": "localhost"})
    r = h.getresponse()
    check(r.status == 301 and r.getheader("Location", "").startswith(f"https://localhost:{c.https_port}/graphql"),
          f"HTTP redirects to HTTPS ({r.status} {r.getheader('Location')})")


def scenario_spread(c):
    before = [c.served_requests(i) for i in range(3)]
    def reader():
        cl = c.client()
        for _ in range(60):
            cl.gql("{ doctors(first: 5) { nodes { id specialization } } }", get=True)
    threads = [threading.Thread(target=reader) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    delta = [c.served_requests(i) - before[i] for i in range(3)]
    check(all(d > 0 for d in delta) and sum(delta) >= 360, f"360 queries spread over the three instances: {delta}")


def scenario_failover(c, patient, doctor, slots):
    stop = threading.Event()
    reads = {"ok": 0, "failed": []}
    lock = threading.Lock()

    def reader():
        cl = c.client()
        while not stop.is_set():
            try:
                status, _, body = cl.gql("{ doctors(first: 5) { nodes { id } } }", get=True)
                good = status == 200 and "errors" not in body
                detail = f"{status} {json.dumps(body)[:200]}"
            except Exception as e:
                good, detail = False, repr(e)
            with lock:
                if good:
                    reads["ok"] += 1
                else:
                    reads["failed"].append(detail)

    outcomes = {}

    def booker():
        cl = c.client(patient.token)
        for day, tm in slots:
            if stop.is_set():
                break
            try:
                status, _, body = cl.gql("""mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }""",
                                         {"i": {"doctorId": doctor, "date": day, "time": tm, "reason": "failover"}})
                ok = status == 200 and not body.get("errors")
                outcomes[(day, tm)] = "ok" if ok else f"{status} {json.dumps(body)[:200]}"
            except Exception as e:
                outcomes[(day, tm)] = repr(e)
            time.sleep(0.01)

    threads = [threading.Thread(target=reader) for _ in range(4)] + [threading.Thread(target=booker)]
    [t.start() for t in threads]
    time.sleep(2)
    log("SIGKILL app0")
    c.procs["app0"].kill()
    time.sleep(2)
    log("SIGTERM app1, then start it again")
    c.procs["app1"].send_signal(signal.SIGTERM)
    try:
        wait_for("app1 draining", lambda: c.direct(c.app_ports[1], "/readyz") == (503, "draining\n"), timeout=3, interval=0.05)
        drained = True
    except RuntimeError:
        drained = False
    check(drained, "SIGTERM: /readyz answers 503 draining before the listener closes")
    c.procs["app1"].wait(timeout=30)
    c.start_app(1)
    time.sleep(2)
    log("start app0 again")
    c.start_app(0)
    time.sleep(2)
    stop.set()
    [t.join() for t in threads]
    check(reads["ok"] > 100 and not reads["failed"],
          f"queries during SIGKILL + SIGTERM restart: {reads['ok']} ok, {len(reads['failed'])} failed {reads['failed'][:3]}")
    rows = c.primary.sql("SELECT to_char(starts_at AT TIME ZONE (SELECT time_zone FROM system_settings LIMIT 1), 'YYYY-MM-DD HH24:MI'), count(*) "
                         "FROM appointments WHERE reason = 'failover' GROUP BY 1")
    in_db = {tuple(line.split("|")[0].split(" ")): int(line.split("|")[1]) for line in rows.splitlines() if line}
    booked_ok = [k for k, v in outcomes.items() if v == "ok"]
    lost = [k for k in booked_ok if in_db.get(k, 0) != 1]
    doubled = [k for k, n in in_db.items() if n > 1]
    unknown = [k for k in in_db if outcomes.get(k) != "ok"]
    refused = [v for v in outcomes.values() if v != "ok"]
    check(len(booked_ok) > 5 and not lost and not doubled,
          f"bookings during the restarts: {len(booked_ok)} ok, none lost ({lost[:3]}), none doubled ({doubled[:3]}); "
          f"{len(refused)} refused {refused[:2]}, {len(unknown)} stored although the client saw an error")


REPORT = "{ report(from: \"%s\", to: \"%s\") { totalAppointments } }" % (
    date.today() - timedelta(days=30), date.today() + timedelta(days=60))


def scenario_replica(c, admin, patient, doctor, slot):
    log("stop the replica")
    c.replica.stop()
    start = time.time()
    status, _, body = admin.gql(REPORT)
    took = time.time() - start
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
    check(codes == ["SERVICE_UNAVAILABLE"] and took < 10,
          f"replica down: a report fails clearly in {took:.1f} s ({status}, codes {codes})")
    status, _, body = c.client().gql("{ doctors(first: 5) { nodes { id } } }", get=True)
    check(status == 200 and not body.get("errors") and body["data"]["doctors"]["nodes"],
          f"replica down: the doctor list answers from the primary ({status} {json.dumps(body)[:200]})")
    status, _, body = patient.gql("""mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }""",
                                  {"i": {"doctorId": doctor, "date": slot[0], "time": slot[1], "reason": "replica down"}})
    check(status == 200 and not body.get("errors"), f"replica down: booking still works ({status} {json.dumps(body)[:200]})")
    c.replica.start()
    def report_works():
        s, _, b = admin.gql(REPORT)
        last[0] = (s, b)
        return s == 200 and not b.get("errors")
    last = [None]
    try:
        wait_for("reports after the replica restart", report_works, timeout=30, interval=1)
        check(True, "replica back: reports work again")
    except RuntimeError as e:
        check(False, f"replica back: {e}; last answer {json.dumps(last[0])[:300]}")


def bounded_reads(c):
    """clinic_bounded_reads_total per server kind, summed over the three instances."""
    total = {"replica": 0.0, "primary": 0.0}
    for port in c.app_ports:
        _, text = c.direct(port, "/metrics")
        for kind, n in re.findall(r'^clinic_bounded_reads_total\{server="(\w+)"\} (\S+)$', text, re.M):
            total[kind] += float(n)
    return total


def scenario_staleness(c, doctor):
    before = bounded_reads(c)
    reader = c.client()
    for _ in range(30):
        reader.gql("{ doctors(first: 5) { nodes { id } } }", get=True)
    mid = bounded_reads(c)
    check(mid["replica"] - before["replica"] >= 20,
          f"staleness: the doctor list reads the replica while it keeps up ({before} -> {mid})")
    c.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        raw_id = c.primary.sql("SELECT id FROM doctors WHERE license_number = 'CL-1'")
        c.primary.sql(f"UPDATE doctors SET specialization = 'Stale check' WHERE id = {raw_id}")
        time.sleep(3)  # beyond REPLICA_MAX_LAG_MS (2000 by default)
        on_replica = c.replica.sql(f"SELECT specialization FROM doctors WHERE id = {raw_id}")
        seen = set()
        for _ in range(12):
            _, _, body = reader.gql("{ doctors(first: 20) { nodes { id specialization } } }", get=True)
            seen |= {n["specialization"] for n in body["data"]["doctors"]["nodes"] if n["id"] == doctor}
        after = bounded_reads(c)
        check(on_replica == "General" and seen == {"Stale check"} and after["primary"] - mid["primary"] >= 12,
              f"staleness: replay paused 3 s, the replica still says {on_replica!r}, every answer says {seen} "
              f"(from the primary: {after['primary'] - mid['primary']:.0f} of 12)")
    finally:
        c.replica.sql("SELECT pg_wal_replay_resume()")
        c.primary.sql("UPDATE doctors SET specialization = 'General' WHERE license_number = 'CL-1'")


def slot_metrics(c, port):
    _, text = c.direct(port, "/metrics")
    return {name: float(v) for name, v in re.findall(r"^(clinic_slot_calendar_\w+) (\S+)$", text, re.M)}


def scenario_slots(c, patient, doctor, slot):
    """Every instance keeps the day's free slots; a booking made through one shows on all at once."""
    query = json.dumps({"query": "query($d: ID!, $day: Date!) { availableSlots(doctorId: $d, date: $day) { time } }",
                        "variables": {"d": doctor, "day": slot[0]}})

    def times(port):
        h = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            h.request("POST", "/graphql", body=query, headers={"Content-Type": "application/json"})
            return [s["time"] for s in json.loads(h.getresponse().read())["data"]["availableSlots"]]
        finally:
            h.close()

    before = [slot_metrics(c, port) for port in c.app_ports]
    for port in c.app_ports:
        times(port); times(port); times(port)
    after = [slot_metrics(c, port) for port in c.app_ports]
    check(all(a.get("clinic_slot_calendar_listening") == 1 and a["clinic_slot_calendar_hits_total"] - b.get("clinic_slot_calendar_hits_total", 0) >= 2
              for a, b in zip(after, before)),
          f"slots: every instance listens and answers a repeated list from what it keeps ({after})")
    check(all(slot[1] in times(port) for port in c.app_ports), f"slots: {slot} is free on every instance")
    status, _, body = patient.gql("""mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }""",
                                  {"i": {"doctorId": doctor, "date": slot[0], "time": slot[1], "reason": "cache check"}})
    check(status == 200 and not body.get("errors"), f"slots: booked {slot} through nginx ({status} {json.dumps(body)[:200]})")
    booked_at = time.time()
    waited = []
    for port in c.app_ports:
        while slot[1] in times(port) and time.time() - booked_at < 3:
            time.sleep(0.005)
        waited.append(round(time.time() - booked_at, 3))
    check(all(slot[1] not in times(port) for port in c.app_ports) and max(waited) < 1,
          f"slots: the booking shows on every instance at once (seconds after the booking answered: {waited})")


def scenario_backup_schedule(c, admin):
    """Called twice: `enable` before the other scenarios (the workers poll every 30 s), `verify` after."""
    admin.must('mutation { updateBackupSchedule(input: { enabled: true, time: "00:00", retentionCount: 3 }) { enabled } }')
    start = time.time()

    def verify():
        try:
            wait_for("the scheduled backup", lambda: c.primary.sql(
                "SELECT status FROM backup_runs ORDER BY id DESC LIMIT 1") in ("SUCCEEDED", "FAILED"),
                timeout=max(5, 90 - (time.time() - start)), interval=1)
        except RuntimeError as e:
            check(False, f"backup: {e}")
            return
        runs = c.primary.sql("SELECT worker || '|' || status || '|' || coalesce(file_name, '') || '|' || coalesce(size_bytes, -1) "
                             "|| '|' || coalesce(error, '') FROM backup_runs").splitlines()
        check(len(runs) == 1, f"backup: one run for today by one of the two workers ({runs})")
        worker, status, name, size, error = runs[0].split("|", 4)
        main_file = os.path.join(c.env["BACKUP_DIR"], name)
        copy = os.path.join(c.env["BACKUP_COPY_DIR"], name)
        sizes = [os.path.getsize(p) if os.path.exists(p) else -1 for p in (main_file, copy)]
        check(status == "SUCCEEDED" and sizes == [int(size)] * 2 and int(size) > 1000,
              f"backup: {status} {error!r}, {name} of {size} bytes in BACKUP_DIR and BACKUP_COPY_DIR ({sizes})")
        seen = admin.must("{ backupSchedule { enabled nextRunAt lastRun { status fileName sizeBytes copyPath } } }")["backupSchedule"]
        check(seen["lastRun"] == {"status": "SUCCEEDED", "fileName": name, "sizeBytes": int(size), "copyPath": copy}
              and seen["nextRunAt"], f"backup: the superadmin sees the last result ({seen})")
        c.primary.sql("CREATE DATABASE clinic_restored", db="postgres")
        env = dict(c.env, DATABASE_URL=c.env["DATABASE_URL"].rsplit("/", 1)[0] + "/clinic_restored")
        env.pop("DATABASE_READ_URL")
        r = subprocess.run([c.clinic, "restore", copy], env=env, capture_output=True, text=True)
        restored = c.primary.sql("SELECT count(*) FROM users WHERE email IN ('dr.cluster@clinic.example', "
                                 "'patient.cluster@clinic.example', 'root@clinic.example')", db="clinic_restored") \
            if r.returncode == 0 else r.stderr.strip()
        check(restored == "3", f"backup: `clinic restore` of the copy into a new database has the accounts ({restored})")
    return verify


def scenario_outbox(c, count=500, per_user=10):
    users = count // per_user
    c.primary.sql(
        "INSERT INTO users (email, password_hash, first_name, last_name, phone, notify_by_sms) "
        f"SELECT 'sms' || g || '@clinic.example', '!', 'Sms', 'User' || g, '+3460000' || lpad(g::text, 4, '0'), true "
        f"FROM generate_series(1, {users}) g;"
        "INSERT INTO notifications (user_id, channel, kind, subject, body, recipient) "
        "SELECT u.id, 'SMS', 'CUSTOM', '', 'outbox test ' || n, u.phone FROM users u, generate_series(1, "
        f"{per_user}) n WHERE u.email LIKE 'sms%@clinic.example'")
    start = time.time()
    try:
        wait_for("every queued SMS sent", lambda: c.primary.sql(
            "SELECT count(*) FROM notifications WHERE body LIKE 'outbox test %' AND status = 'SENT'") == str(count),
            timeout=180, interval=1)
    except RuntimeError as e:
        state = c.primary.sql("SELECT status, count(*) FROM notifications WHERE body LIKE 'outbox test %' GROUP BY 1")
        check(False, f"outbox: {e}: {state}")
        return
    took = time.time() - start
    with c.sms.lock:
        keys, paths = list(c.sms.keys), list(c.sms.paths)
    shares = [paths.count(f"/sms{i}") for i in range(2)]
    check(len(keys) == count and len(set(keys)) == count,
          f"outbox: {count} SMS, {len(keys)} deliveries, {len(set(keys))} distinct, in {took:.1f} s")
    check(all(shares), f"outbox: both workers took a share ({shares})")


def scenario_lockout(c):
    query = 'mutation { login(email: "patient.cluster@clinic.example", password: "%s") { accessToken } }'
    codes = []
    for i in range(10):
        status, _, data = c.client().request("POST", "/graphql", json.dumps({"query": query % f"wrong password number {i}"}),
                                     {"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{i + 1}"})
        codes.append(json.loads(data).get("errors", [{}])[0].get("extensions", {}).get("code"))
    check(codes == ["UNAUTHENTICATED"] * 10, f"lockout: 10 failed logins through nginx ({set(codes)})")
    refused = []
    for port in c.app_ports:
        h = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        h.request("POST", "/graphql", json.dumps({"query": query % "cluster-test-patient-pass"}), {"Content-Type": "application/json"})
        body = json.loads(h.getresponse().read())
        refused.append((body.get("errors") or [{}])[0].get("extensions", {}).get("code"))
    check(refused == ["RATE_LIMITED"] * 3, f"lockout: the 11th login, right password, refused by every server ({refused})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clinic", default=os.environ.get("CLINIC_BIN"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = ap.parse_args()
    clinic = clinic_binary(ROOT, args.clinic)
    missing = [name for name, ok in (("nginx", shutil.which("nginx")), ("openssl", shutil.which("openssl")),
                                     ("PostgreSQL server binaries", postgres_bindir()),
                                     ("a built clinic binary (--clinic or CLINIC_BIN)", clinic))
               if not ok]
    if missing:
        print("SKIPPED: the production cluster test needs " + ", ".join(missing))
        return SKIP
    base = make_base("clinic-cluster-")
    c = Cluster(clinic, base)
    try:
        c.start()
        admin, patient, doctor, slots = setup_data(c)
        log(f"{len(slots)} free slots over the next days")
        verify_backup = scenario_backup_schedule(c, admin)
        scenario_tls(c)
        scenario_spread(c)
        scenario_slots(c, patient, doctor, slots[-2])
        scenario_failover(c, patient, doctor, slots[:-2])
        scenario_staleness(c, doctor)
        scenario_replica(c, admin, patient, doctor, slots[-1])
        scenario_outbox(c)
        scenario_lockout(c)
        verify_backup()
    except Exception as e:
        failures.append(f"setup or scenario crashed: {e!r}")
        log(f"FAIL  {e!r}")
    finally:
        c.stop()
        if failures:
            for name in sorted(os.listdir(base)):
                if name.endswith(".log"):
                    tail = open(os.path.join(base, name), errors="replace").read()[-1500:]
                    print(f"--- {name} (tail) ---\n{tail}")
        if args.keep or failures:
            log(f"logs kept in {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print("PASSED" if not failures else f"FAILED: {len(failures)} check(s)\n  " + "\n  ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
