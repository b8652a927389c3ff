#!/usr/bin/env python3
"""Requests/s and p50/p99 with 1, 2 and 3 `clinic serve` instances behind nginx
(deploy/nginx/clinic.conf over HTTPS, as in production), and one instance
without nginx, same wrk settings, in one run (issue #18).

  BENCH_BIN=<release clinic> bench/scaling-nginx/run.py [--seconds 10] [--conns 16] [--rounds 1]

Data: `clinic seed --demo` + `clinic seed --scale 1` once into an embedded
cluster in BENCH_DATA_DIR (default /tmp/clinic-bench-nginx), which the three
instances share. Queries: the public doctor list (anonymous) and the admin
appointment list (100 rows, signed in). Every answer is checked once before it
is measured. Each round measures every setup for one query before the next
query, so neighbours' load drifts less between the figures compared.
Prints a Markdown table; the load average before and after. Beside each
figure, the CPU time per request (ms) of each tier during that run, read from
/proc: the `clinic serve` processes, nginx (master and workers), PostgreSQL
(the postmaster and its backends) and wrk: the service demands the scaling
model in RESULTS.md is built from.
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from testlib import free_ports, wait_for  # noqa: E402

QUERIES = {
    "doctors": ("{ doctors(first: 20) { nodes { id specialization user { fullName } } } }", None),
    "admin_list": ("{ appointments(first: 100) { nodes { date time status patient { user { fullName } } "
                   "doctor { user { fullName } } } } }", "admin"),
}


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def post(port, body, token=None, tls=None):
    conn = (http.client.HTTPSConnection("localhost", port, context=tls, timeout=30) if tls
            else http.client.HTTPConnection("127.0.0.1", port, timeout=30))
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", "/graphql", json.dumps(body), headers)
    r = conn.getresponse()
    return r.status, json.loads(r.read())


def nginx_conf(base, ports, https_port, http_port):
    """deploy/nginx/clinic.conf with the given upstream ports, local listen ports and a self-signed certificate."""
    d = os.path.join(base, f"nginx{len(ports)}")
    os.makedirs(d)
    cert, key = os.path.join(base, "cert.pem"), os.path.join(base, "key.pem")
    site = open(os.path.join(ROOT, "deploy/nginx/clinic.conf")).read()
    lines = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in ports)
    site = re.sub(r"(    server 127\.0\.0\.1:\d+[^\n]*\n)+", lambda _: lines, site, count=1)
    site = re.sub(r"\n\s*listen \[::\]:[^\n]*", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = site.replace("/etc/ssl/clinic/fullchain.pem", cert).replace("/etc/ssl/clinic/privkey.pem", key)
    site = site.replace("server_name clinic.example.org;", "server_name localhost;")
    temp = ""
    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(d, t), mode=0o777)
        os.chmod(os.path.join(d, t), 0o777)
        temp += f"    {t}_temp_path {d}/{t};\n"
    conf = (("user nobody nogroup;\n" if os.geteuid() == 0 else "") +
            f"worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temp}{site}\n}}\n")
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    return d


TICK = os.sysconf("SC_CLK_TCK")


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except (OSError, IndexError, ValueError):
            pass
    return total


def wrk(url, query, token, conns, seconds):
    lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    lua.write('wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
              % json.dumps(json.dumps({"query": query})))
    if token:
        lua.write('wrk.headers["Authorization"] = %s\n' % json.dumps("Bearer " + token))
    lua.close()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", lua.name, url],
                         capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk.cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    wrk.requests = int(re.search(r"(\d+) requests in", out).group(1))
    os.unlink(lua.name)
    rps = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return float(rps), p50, p99, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    ap.add_argument("--conns", type=int, default=int(os.environ.get("BENCH_CONNS", "16")))
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    binary = os.environ.get("BENCH_BIN") or os.path.join(ROOT, ".build/release/clinic")
    for tool in ("wrk", "nginx", "openssl"):
        if not shutil.which(tool):
            sys.exit(f"missing {tool}: apt-get install wrk nginx openssl")
    data = os.environ.get("BENCH_DATA_DIR", "/tmp/clinic-bench-nginx")
    env = dict(os.environ, CLINIC_DATA_DIR=data, CLINIC_HOST="127.0.0.1", LOG_LEVEL="warn",
               RATE_LIMIT_ANON="100000000/hour", RATE_LIMIT_USER="100000000/hour", TRUSTED_PROXIES="127.0.0.1/32")
    subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
    if not os.path.exists(os.path.join(data, ".bench-seeded")):
        subprocess.run([binary, "seed", "--demo"], env=env, check=True, capture_output=True)
        subprocess.run([binary, "seed", "--scale", "1"], env=env, check=True, capture_output=True)
        open(os.path.join(data, ".bench-seeded"), "w").close()
    base = tempfile.mkdtemp(prefix="clinic-bench-nginx-")
    os.chmod(base, 0o755)
    *app_ports, https_port, http_port = free_ports(5)
    procs = []
    try:
        for p in app_ports:
            log = open(os.path.join(base, f"serve{p}.log"), "w")
            procs.append(subprocess.Popen([binary, "serve", "--no-worker"], env=dict(env, CLINIC_PORT=str(p)),
                                          stdout=log, stderr=subprocess.STDOUT))
        for p in app_ports:
            wait_for(f"serve on {p}", lambda p=p: post(p, {"query": "{ __typename }"})[0] == 200)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost", "-keyout", os.path.join(base, "key.pem"),
                        "-out", os.path.join(base, "cert.pem")], check=True, capture_output=True)
        tls = ssl.create_default_context(cafile=os.path.join(base, "cert.pem"))
        confs = {n: nginx_conf(base, app_ports[:n], https_port, http_port) for n in (1, 2, 3)}
        login = post(app_ports[0], {"query": 'mutation { login(email: "bench-admin@clinic.test", password: "bench-admin-pass") '
                                             "{ accessToken } }"})[1]
        tokens = {"admin": login["data"]["login"]["accessToken"]}
        for name, (query, who) in QUERIES.items():
            status, body = post(app_ports[0], {"query": query}, tokens.get(who))
            if status != 200 or body.get("errors") or not next(iter(body["data"].values()))["nodes"]:
                sys.exit(f"{name}: the query failed: {json.dumps(body)[:300]}")

        def tier_pids():
            postmaster = int(open(os.path.join(data, "pgdata", "postmaster.pid")).readline())
            return {"app": [p.pid for p in procs], "postgres": [postmaster] + children(postmaster)}

        def with_nginx(n, measure):
            d = confs[n]
            nginx = subprocess.Popen(["nginx", "-p", d + "/", "-c", d + "/nginx.conf", "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            try:
                wait_for("nginx", lambda: post(https_port, {"query": "{ __typename }"}, tls=tls)[0] == 200, timeout=20)
                pids = [nginx.pid] + children(nginx.pid)
                cpu0 = cpu_seconds(pids)
                result = measure(f"https://localhost:{https_port}/graphql")
                with_nginx.cpu = cpu_seconds(pids) - cpu0
                return result
            finally:
                nginx.terminate()
                nginx.wait(timeout=10)

        print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {args.conns} connections, wrk -t2, {args.seconds} s per run, "
              f"nproc={os.cpu_count()}, load before: {load()}")
        print("| round | query | setup | req/s | p50 | p99 | errors | CPU ms/req app | nginx | PostgreSQL | wrk | load |\n"
              "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in range(1, args.rounds + 1):
            for name, (query, who) in QUERIES.items():
                def measure(url):
                    return wrk(url, query, tokens.get(who), args.conns, args.seconds)
                setups = [("1 instance, no nginx", lambda: measure(f"http://127.0.0.1:{app_ports[0]}/graphql"))]
                setups += [(f"nginx + {n}", lambda n=n: with_nginx(n, measure)) for n in (1, 2, 3)]
                for label, run in setups:
                    tiers = tier_pids()
                    cpu0 = {k: cpu_seconds(v) for k, v in tiers.items()}
                    rps, p50, p99, errors = run()
                    tiers = tier_pids()  # nginx ran inside run(); its CPU is taken from its own accounting below
                    per = {k: (cpu_seconds(v) - cpu0.get(k, 0.0)) / wrk.requests * 1000 for k, v in tiers.items() if k != "nginx"}
                    per["nginx"] = with_nginx.cpu / wrk.requests * 1000 if label.startswith("nginx") else 0.0
                    per["wrk"] = wrk.cpu / wrk.requests * 1000
                    print(f"| {r} | {name} | {label} | {rps:.0f} | {p50} | {p99} | {errors} | "
                          f"{per['app']:.3f} | {per['nginx']:.3f} | {per['postgres']:.3f} | {per['wrk']:.3f} | {load()} |", flush=True)
        print(f"load after: {load()}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
