"""Pieces shared by the scripted tests (deploy/test/cluster_test.py, bench/plans/run.py):
a throwaway PostgreSQL server, free ports, polling. Python standard library only."""
import glob
import os
import shutil
import socket
import subprocess
import time


def postgres_bindir():
    """The newest installed PostgreSQL server binaries, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    return found[-1] if found else None


def clinic_binary(root, given=None):
    """--clinic / CLINIC_BIN, else the repository's release or debug build, else None."""
    given = given or os.environ.get("CLINIC_BIN")
    if given:
        return os.path.abspath(given) if os.path.exists(given) else None
    return next((p for p in (os.path.join(root, ".build/release/clinic"), os.path.join(root, ".build/debug/clinic"))
                 if os.path.exists(p)), None)


def make_base(prefix):
    """A temporary directory the `postgres` user can work in when we are root."""
    import tempfile
    base = tempfile.mkdtemp(prefix=prefix)
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    return base


def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def wait_for(what, predicate, timeout=60, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if predicate():
                return True
        except Exception:
            pass
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout} s waiting for {what}")


class Postgres:
    """One PostgreSQL server; run as the `postgres` user when we are root."""

    def __init__(self, bindir, base, name, port):
        self.bindir, self.port = bindir, port
        self.data = os.path.join(base, name)
        self.logfile = os.path.join(base, name + ".log")

    def cmd(self, *args):
        argv = [os.path.join(self.bindir, args[0]), *args[1:]]
        return (["runuser", "-u", "postgres", "--"] + argv) if os.geteuid() == 0 else argv

    def run(self, *args):
        subprocess.run(self.cmd(*args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def init(self, extra=""):
        """initdb: user `clinic`, trust on 127.0.0.1 only, durability off (a throwaway cluster)."""
        self.run("initdb", "-D", self.data, "-U", "clinic", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{os.path.dirname(self.data)}'\n"
                    "max_connections = 200\nfsync = off\nfull_page_writes = off\n" + extra)

    def init_replica(self, primary):
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "clinic",
                 "-D", self.data, "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write(f"\nport = {self.port}\n")

    def start(self):
        self.run("pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", "60", "start")

    def stop(self):
        subprocess.run(self.cmd("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sql(self, statement, db="clinic"):
        out = subprocess.run([os.path.join(self.bindir, "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "clinic",
                              "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()
