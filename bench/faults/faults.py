#!/usr/bin/env python3
"""Fault-injection scenarios against a running `clinic serve` (see run.sh).

Each scenario starts its own server on the embedded cluster of CLINIC_DATA_DIR,
injects one fault, measures what clients saw, and prints a verdict line
`VERDICT <scenario>: PASS|FAIL <reason>`. The exit status is 1 when any failed.
Every request loop is bounded in count and time and only talks to 127.0.0.1.
"""
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid

BIN = os.environ["BENCH_BIN"]
DATA = os.environ["CLINIC_DATA_DIR"]
PORT = int(os.environ["CLINIC_PORT"])
PG_BIN = next((d for d in ("/usr/lib/postgresql/%d/bin" % v for v in range(20, 12, -1)) if os.path.exists(d + "/pg_ctl")), None)
failures = []


def verdict(name, ok, reason):
    print("VERDICT %s: %s %s" % (name, "PASS" if ok else "FAIL", reason), flush=True)
    if not ok:
        failures.append(name)


class Server:
    def __init__(self):
        self.log = open(os.path.join(DATA, "faults-serve.log"), "ab")
        self.proc = subprocess.Popen([BIN, "serve", "--no-worker"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if get("/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("server did not start; see %s/faults-serve.log" % DATA)

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def get(path, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def gql(query, variables=None, token=None, timeout=15, conn=None):
    """(HTTP status, parsed body or None, seconds)."""
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    t = time.time()
    try:
        c.request("POST", "/graphql", json.dumps({"query": query, "variables": variables or {}}), headers)
        r = c.getresponse()
        body = r.read()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        return r.status, parsed, time.time() - t
    finally:
        if own:
            c.close()


def probe_latencies(count=20):
    """Seconds each of `count` `{ __typename }` requests took; every one must succeed."""
    latencies = []
    for _ in range(count):
        status, body, seconds = gql("{ __typename }", timeout=5)
        assert status == 200, (status, body)
        latencies.append(seconds)
    return latencies


def codes(body):
    return sorted({(e.get("extensions") or {}).get("code", "?") for e in (body or {}).get("errors") or []})


def login(email, password):
    status, body, _ = gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
                          {"e": email, "p": password})
    return body["data"]["login"]["accessToken"]


def pg_ctl(*args):
    subprocess.run(["runuser", "-u", "postgres", "--", PG_BIN + "/pg_ctl", *args, "-D", DATA + "/pgdata"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def psql(sql):
    out = subprocess.run(["psql", "-h", DATA + "/run", "-U", "postgres", "-d", "clinic", "-At", "-c", sql],
                         check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line]


# --- PostgreSQL stopped and started under load ---------------------------------

def db_outage(outage_seconds=4.0):
    server = Server()
    try:
        admin = login("admin@clinic.test", "admin-demo-pass")
        doctors = [n["id"] for n in gql("{ doctors(first: 8) { nodes { id } } }")[1]["data"]["doctors"]["nodes"]]
        patients = [n["id"] for n in gql("{ patients(first: 40) { nodes { id } } }", token=admin)[1]["data"]["patients"]["nodes"]]
        slots = []
        day = 0
        while len(slots) < 400 and day < 60:
            day += 1
            date = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400 * (day + 7)))
            for d in doctors:
                s, b, _ = gql("query($d: ID!, $t: Date!) { availableSlots(doctorId: $d, date: $t) { date time } }",
                              {"d": d, "t": date})
                for slot in (b or {}).get("data", {}).get("availableSlots") or []:
                    slots.append((d, slot["date"], slot["time"]))
        run = uuid.uuid4().hex[:8]
        records = []  # (kind, start, seconds, ok, status, codes)
        lock = threading.Lock()
        stop = threading.Event()

        def reader():
            while not stop.is_set():
                t = time.time()
                try:
                    s, b, dt = gql("{ doctors(first: 20) { nodes { id user { fullName } } } }", timeout=20)
                    ok = s == 200 and not (b or {}).get("errors")
                    rec = ("read", t, dt, ok, s, codes(b))
                except OSError as e:
                    rec = ("read", t, time.time() - t, False, 0, [type(e).__name__])
                with lock:
                    records.append(rec)

        booked, answered_error = [], []
        slot_iter = iter(list(enumerate(slots)))

        def booker():
            while not stop.is_set():
                with lock:
                    nxt = next(slot_iter, None)
                if nxt is None:
                    return
                i, (doctor, date, tm) = nxt
                reason = "faults-%s-%d" % (run, i)
                t = time.time()
                try:
                    s, b, dt = gql("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                                   {"i": {"doctorId": doctor, "date": date, "time": tm, "reason": reason,
                                          "patientId": patients[i % len(patients)]}}, token=admin, timeout=20)
                    ok = s == 200 and bool(((b or {}).get("data") or {}).get("bookAppointment"))
                    rec = ("book", t, dt, ok, s, codes(b))
                except OSError as e:
                    rec = ("book", t, time.time() - t, False, 0, [type(e).__name__])
                with lock:
                    records.append(rec)
                    (booked if rec[3] else answered_error).append(reason)
                time.sleep(0.05)

        threads = [threading.Thread(target=reader) for _ in range(6)] + [threading.Thread(target=booker) for _ in range(2)]
        for th in threads:
            th.start()
        time.sleep(4)
        down = time.time()
        pg_ctl("stop", "-m", "fast", "-w")
        time.sleep(outage_seconds)
        pg_ctl("start", "-w", "-t", "60", "-l", DATA + "/run/postgres.log")
        up = time.time()
        time.sleep(8)
        stop.set()
        for th in threads:
            th.join(30)
        end = time.time()

        during = [r for r in records if down <= r[1] < up]
        after = [r for r in records if r[1] >= up]
        first_ok = min((r[1] + r[2] for r in after if r[3]), default=None)
        recovered = (first_ok - up) if first_ok else None
        late_fail = [r for r in records if r[1] >= up + 3 and not r[3]]
        hung = [r for r in records if r[2] > 10]
        fail_codes = {}
        for r in records:
            if not r[3]:
                key = "%s %s" % (r[4], ",".join(r[5]))
                fail_codes[key] = fail_codes.get(key, 0) + 1
        in_db = psql("SELECT reason FROM appointments WHERE reason LIKE 'faults-%s-%%'" % run)
        lost = set(booked) - set(in_db)
        doubled = len(in_db) - len(set(in_db))
        committed_but_error = set(in_db) & set(answered_error)
        unaccounted = set(in_db) - set(booked) - set(answered_error)
        if unaccounted:
            print("db_outage: in the database but never answered: %s" % sorted(unaccounted), flush=True)
        max_fail_latency = max((r[2] for r in during if not r[3]), default=0)
        print("db_outage: %d requests (%d during the %.1f s outage, max latency of a failed one %.0f ms); "
              "failures by status/code: %s; first success %.2f s after PostgreSQL was back; "
              "failures later than 3 s after: %d; over 10 s: %d; bookings answered OK %d, in the database %d, "
              "lost %d, doubled %d, committed but answered as an error %d; run took %.0f s"
              % (len(records), len(during), up - down, max_fail_latency * 1000, json.dumps(fail_codes, sort_keys=True),
                 recovered if recovered is not None else -1, len(late_fail), len(hung), len(booked), len(in_db),
                 len(lost), doubled, len(committed_but_error), end - down + 4), flush=True)
        ok = (recovered is not None and recovered < 5 and not late_fail and not hung and not lost and doubled == 0
              and not committed_but_error and not unaccounted and len(booked) > 0
              # A database outage is the server's fault: never 401 (clients would sign the user out) nor a 5xx
              # without a GraphQL body.
              and not any(k.startswith(("401", "0 ")) for k in fail_codes))
        verdict("db_outage", ok, "recovered in %.2f s" % (recovered or -1))
    finally:
        server.stop()


# --- Idle connections and slowloris ---------------------------------------------

def idle_connections(count=10000, slow=300):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + slow + 1024), hard))
    server = Server()
    try:
        opened = []
        for _ in range(count):
            try:
                s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
                opened.append(s)
            except OSError:
                break
        slowloris = []
        for _ in range(slow):
            try:
                s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
                s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
                slowloris.append(s)
            except OSError:
                break
        time.sleep(1)
        latencies = probe_latencies()
        for s in slowloris:  # one header byte every few seconds
            try:
                s.send(b"X")
            except OSError:
                pass
        rss = server.rss_kb()
        # The request timeout (10 s) must close the slow ones; the idle ones close at 30 s.
        time.sleep(12)
        closed = 0
        for s in slowloris:
            s.settimeout(0.5)
            try:
                data = s.recv(4096)
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    closed += 1
            except (socket.timeout, ConnectionResetError):
                pass
            except OSError:
                closed += 1
        s2, _, dt2 = gql("{ __typename }", timeout=5)
        print("idle_connections: %d idle + %d slowloris open; { __typename } p50 %.1f ms, max %.1f ms while open; "
              "slowloris closed by the server after 12 s: %d/%d; server RSS %d MB, fds %d"
              % (len(opened), len(slowloris), sorted(latencies)[10] * 1000, max(latencies) * 1000, closed,
                 len(slowloris), rss // 1024, server.fds()), flush=True)
        for s in opened + slowloris:
            s.close()
        verdict("idle_connections", len(opened) >= count * 0.95 and max(latencies) < 1 and closed == len(slowloris)
                and s2 == 200, "%d connections held, answers in %.0f ms" % (len(opened), max(latencies) * 1000))
    finally:
        server.stop()


# --- Clients that never read their responses ---------------------------------------

def never_read(clients=200, pipelined=50):
    server = Server()
    try:
        introspection = json.dumps({"query": "{ __schema { types { name fields { name type { name kind ofType { name } } } } } }"})
        req = ("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
               % (len(introspection), introspection)).encode()
        rss0 = server.rss_kb()
        fds0 = server.fds()
        sinks = []
        for _ in range(clients):
            s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.setblocking(False)
            try:
                s.send(req * pipelined)
            except BlockingIOError:
                pass
            sinks.append(s)
        time.sleep(3)
        latencies = probe_latencies()
        rss1 = server.rss_kb()
        for s in sinks:
            s.close()
        time.sleep(2)
        fds1 = server.fds()
        print("never_read: %d clients x %d pipelined introspection requests, never read; other clients' "
              "{ __typename } max %.1f ms; RSS %d -> %d MB; fds %d before, %d after they left"
              % (clients, pipelined, max(latencies) * 1000, rss0 // 1024, rss1 // 1024, fds0, fds1), flush=True)
        verdict("never_read", max(latencies) < 1 and rss1 - rss0 < 512 * 1024 and fds1 <= fds0 + 2,
                "RSS grew %d MB" % ((rss1 - rss0) // 1024))
    finally:
        server.stop()


# --- Backup into a full disk ------------------------------------------------------

def backup_disk_full():
    mount = os.path.join(DATA, "full-disk")
    os.makedirs(mount, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount], check=True)
    try:
        out = subprocess.run([BIN, "backup", "--out", mount], capture_output=True, text=True, timeout=120)
        left = os.listdir(mount)
        message = (out.stderr or out.stdout).strip().splitlines()[-1:] or [""]
        print("backup_disk_full: exit %d, message %r, files left: %s" % (out.returncode, message[0], left), flush=True)
        verdict("backup_disk_full", out.returncode != 0 and not left and "space" in (out.stderr + out.stdout).lower(),
                "exit %d" % out.returncode)
    finally:
        subprocess.run(["umount", mount])


# --- Soak: mixed load for SOAK_SECONDS, memory and descriptors sampled ---------------

def soak(seconds=None):
    seconds = float(seconds or os.environ.get("SOAK_SECONDS", "1800"))
    server = Server()
    try:
        # Access tokens live 15 minutes: sign in again every 10, as a client refreshing would.
        tokens = {}

        def token(email, password):
            t = tokens.get(email)
            if t is None or time.time() - t[1] > 600:
                t = tokens[email] = (login(email, password), time.time())
            return t[0]

        def admin():
            return token("admin@clinic.test", "admin-demo-pass")

        doctors = [n["id"] for n in gql("{ doctors(first: 8) { nodes { id } } }")[1]["data"]["doctors"]["nodes"]]
        patients = [n["id"] for n in gql("{ patients(first: 40) { nodes { id } } }", token=admin())[1]["data"]["patients"]["nodes"]]
        stop = threading.Event()
        lock = threading.Lock()
        counts, unexpected = {}, {}

        def note(kind, status, body, expected=()):
            c = codes(body)
            bad = status not in (200,) or any(x not in expected for x in c)
            with lock:
                counts[kind] = counts.get(kind, 0) + 1
                if bad:
                    key = "%s %d %s" % (kind, status, ",".join(c))
                    unexpected[key] = unexpected.get(key, 0) + 1

        def day(offset):
            return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 86400 * offset))

        def reads(i):
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
            n = 0
            while not stop.is_set():
                n += 1
                if n % 3 == 0:
                    s, b, _ = gql("{ doctors(first: 20) { nodes { id specialization user { fullName } } } }", conn=conn)
                    note("doctors", s, b)
                elif n % 3 == 1:
                    s, b, _ = gql("query($d: ID!, $t: Date!) { availableSlots(doctorId: $d, date: $t) { time } }",
                                  {"d": doctors[n % len(doctors)], "t": day(1 + n % 20)}, conn=conn)
                    note("slots", s, b)
                else:
                    s, b, _ = gql("{ appointments(first: 100) { nodes { date time status patient { user { fullName } } "
                                  "doctor { user { fullName } } } } }", token=admin(), conn=conn)
                    note("admin_list", s, b)

        def bookings():
            n = 0
            while not stop.is_set():
                n += 1
                d = doctors[n % len(doctors)]
                date = day(8 + n % 50)
                s, b, _ = gql("query($d: ID!, $t: Date!) { availableSlots(doctorId: $d, date: $t) { time } }", {"d": d, "t": date})
                free = ((b or {}).get("data") or {}).get("availableSlots") or []
                if not free:
                    continue
                s, b, _ = gql("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                              {"i": {"doctorId": d, "date": date, "time": free[n % len(free)]["time"], "reason": "soak",
                                     "patientId": patients[n % len(patients)]}}, token=admin())
                note("book", s, b, expected=("CONFLICT",))
                booked = ((b or {}).get("data") or {}).get("bookAppointment")
                if booked:
                    s, b, _ = gql("mutation($id: ID!) { cancelAppointment(id: $id, reason: \"soak\") { status } }",
                                  {"id": booked["id"]}, token=admin())
                    note("cancel", s, b)

        def logins():
            while not stop.is_set():
                s, b, _ = gql('mutation { login(email: "patient@clinic.test", password: "patient-demo-pass") { accessToken } }')
                note("login", s, b)
                s, b, _ = gql("{ me { id email } }", token=token("patient@clinic.test", "patient-demo-pass"))
                note("me", s, b)
                time.sleep(0.5)

        threads = [threading.Thread(target=reads, args=(i,)) for i in range(4)]
        threads += [threading.Thread(target=bookings), threading.Thread(target=logins)]
        for th in threads:
            th.start()
        samples = []
        start = time.time()
        while time.time() - start < seconds:
            time.sleep(10)
            samples.append((round(time.time() - start), server.rss_kb() // 1024, server.fds()))
            print("soak t=%ds RSS %d MB fds %d requests %d" % (samples[-1] + (sum(counts.values()),)), flush=True)
        stop.set()
        for th in threads:
            th.join(30)
        third = max(1, len(samples) // 3)
        warm = [s[1] for s in samples[third:2 * third]] or [samples[-1][1]]
        late = [s[1] for s in samples[2 * third:]] or [samples[-1][1]]
        fds_late = [s[2] for s in samples[third:]]
        print("soak: %.0f s, requests %s, unexpected answers %s; RSS after warm-up %d..%d MB, last third %d..%d MB; "
              "fds %d..%d" % (seconds, json.dumps(counts, sort_keys=True), json.dumps(unexpected, sort_keys=True),
                               min(warm), max(warm), min(late), max(late), min(fds_late or [0]), max(fds_late or [0])),
              flush=True)
        verdict("soak", not unexpected and max(late) <= max(warm) * 1.1 + 5 and max(fds_late or [0]) - min(fds_late or [0]) < 20,
                "RSS last third max %d MB vs %d MB" % (max(late), max(warm)))
    finally:
        server.stop()


# --- kill -9 of a worker mid-batch ---------------------------------------------------

class SMTPSink:
    """A minimal SMTP server on loopback that records each message's Message-ID
    and answers DATA after `delay` seconds, so a worker is caught mid-batch."""

    def __init__(self, delay=0.05):
        self.delay = delay
        self.ids = []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn):
        f = conn.makefile("rb")
        try:
            conn.sendall(b"220 sink ESMTP\r\n")
            while True:
                line = f.readline()
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-sink\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    message_id, subject = None, ""
                    while True:
                        l = f.readline()
                        if not l or l == b".\r\n":
                            break
                        if l.lower().startswith(b"message-id:"):
                            message_id = l.split(b":", 1)[1].strip().decode()
                        elif l.lower().startswith(b"subject:"):
                            subject = l.split(b":", 1)[1].strip().decode(errors="replace")
                    time.sleep(self.delay)
                    with self.lock:
                        self.ids.append((message_id, subject))
                    conn.sendall(b"250 queued\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def count(self, subject_prefix=""):
        with self.lock:
            return sum(1 for _, subject in self.ids if subject.startswith(subject_prefix))


def worker_kill(rows=200):
    server = Server()  # keeps the embedded cluster up while the workers come and go
    try:
        worker_kill_run(rows)
    finally:
        server.stop()


def worker_kill_run(rows):
    sink = SMTPSink()
    run = uuid.uuid4().hex[:8]
    user = psql("SELECT id FROM users WHERE email = 'patient@clinic.test'")[0]
    psql("INSERT INTO notifications (user_id, channel, kind, subject, body, recipient) "
         "SELECT %s, 'EMAIL', 'CUSTOM', 'faults-%s ' || g, 'body ' || g, 'p' || g || '@example.test' "
         "FROM generate_series(1, %d) g" % (user, run, rows))
    env = dict(os.environ, SMTP_URL="smtp://127.0.0.1:%d" % sink.port, LOG_LEVEL="info")
    log = open(os.path.join(DATA, "faults-worker.log"), "ab")
    first = subprocess.Popen([BIN, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while sink.count("faults-" + run) < 25 and time.time() < deadline:
        time.sleep(0.01)
    first.kill()  # SIGKILL mid-batch: rows stay leased to a dead worker
    first.wait()
    killed_at = sink.count("faults-" + run)
    start = time.time()
    second = subprocess.Popen([BIN, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    pending = rows
    while time.time() - start < 150:
        pending = int(psql("SELECT count(*) FROM notifications WHERE subject LIKE 'faults-%s %%' AND status <> 'SENT'" % run)[0])
        if pending == 0:
            break
        time.sleep(1)
    drained = time.time() - start
    second.terminate()
    second.wait(30)
    flagged = int(psql("SELECT count(*) FROM notifications WHERE subject LIKE 'faults-%s %%' "
                       "AND last_error LIKE 'possibly duplicated%%'" % run)[0])
    with sink.lock:
        ids = [m for m, subject in sink.ids if subject.startswith("faults-" + run)]
    distinct = len(set(ids))
    duplicates = len(ids) - distinct
    print("worker_kill: %d messages; worker killed with SIGKILL after %d were accepted by the relay; a second worker "
          "drained the rest in %.0f s (the lease is 60 s); rows not SENT %d; messages at the relay %d, distinct "
          "Message-IDs %d, sent twice %d, rows flagged 'possibly duplicated' %d"
          % (rows, killed_at, drained, pending, len(ids), distinct, duplicates, flagged), flush=True)
    verdict("worker_kill", pending == 0 and distinct == rows and duplicates <= flagged,
            "%d sent twice, %d flagged" % (duplicates, flagged))


SCENARIOS = {"db_outage": db_outage, "idle_connections": idle_connections, "never_read": never_read,
             "backup_disk_full": backup_disk_full, "worker_kill": worker_kill, "soak": soak}

if __name__ == "__main__":
    names = sys.argv[1:] or [n for n in SCENARIOS if n != "soak"]
    if "--help" in names:
        print("scenarios: " + " ".join(SCENARIOS))
        sys.exit(0)
    for name in names:
        SCENARIOS[name]()
    sys.exit(1 if failures else 0)
