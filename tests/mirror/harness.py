"""What the tests and the benchmarks share around the mirror: starting its server, the crawl
command line that reaches it, and measuring a run.

    from harness import Mirror, fresh_work, run_measured
    mirror, corpus, log = fresh_work(work)
    with Mirror(mirror, log=log) as m:
        subprocess.run(m.crawl_cmd(zhengce, corpus))

The server prints "listening on 127.0.0.1:HTTP tls 127.0.0.1:HTTPS" once it is ready (serve.py);
Mirror reads the ports from that line.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

MIRROR_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mirror.py")


class Mirror:
    """A mirror server on loopback for the tree under root (port 0: any free port)."""

    def __init__(self, root, log=None, faults=None, port=0, tls_port=0):
        cmd = [sys.executable, MIRROR_PY, "serve", "--root", root, "--port", str(port), "--tls-port", str(tls_port)]
        if log:
            cmd += ["--log", log]
        if faults:
            cmd += ["--faults", faults]
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        self.line = self.p.stdout.readline()
        if "tls 127.0.0.1:" not in self.line:
            self.stop()
            raise RuntimeError("the mirror did not start: %r" % self.line)
        self.http = int(self.line.split("127.0.0.1:")[1].split()[0])
        self.tls = int(self.line.split("tls 127.0.0.1:")[1])
        self.root, self.log = root, log

    def mapping(self):
        """The value of zhengce's --mirror option."""
        return "127.0.0.1:%d:%d" % (self.http, self.tls)

    def crawl_cmd(self, zhengce, corpus, delay="0", max_crawl_delay="0", extra=()):
        """zhengce crawl of every site through this mirror, with its CA and cookies, quiet."""
        return [zhengce, "crawl", "--corpus", corpus, "--mirror", self.mapping(), "--cacert",
                self.root + "/tls/ca.pem", "--cookies", self.root + "/cookies.txt", "--delay", str(delay),
                "--max-crawl-delay", str(max_crawl_delay), "--quiet", *extra]

    def stop(self):
        self.p.terminate()
        self.p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def fresh_work(work, quiet=True):
    """Empties the directory work, generates the scale-1 mirror in work/mirror and returns the
    paths a test uses under work: (mirror, corpus, the mirror's request log)."""
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    mirror = work + "/mirror"
    subprocess.run([sys.executable, MIRROR_PY, "generate", "--out", mirror], check=True,
                   stdout=subprocess.DEVNULL if quiet else None)
    return mirror, work + "/corpus", work + "/requests.log"


def run_measured(cmd, env=None, cwd=None):
    """Runs cmd; returns (wall s, CPU s, peak RSS MB, peak heap MB, CompletedProcess).

    Peak RSS is the process's own high-water mark (VmHWM) and the heap its anonymous memory
    (RssAnon, not the mapped database file), both sampled every 10 ms.  ru_maxrss would not do:
    a child started by vfork carries over exec the high-water mark of the Python that started it.
    """
    # a program's messages may quote the bytes of a page in another encoding (xmllint on GBK)
    out_f, err_f = (tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") for _ in range(2))
    t = time.time()
    p = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env, cwd=cwd, text=True)
    peak = {"VmHWM:": 0, "RssAnon:": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                for line in open("/proc/%d/status" % p.pid):
                    key = line.split(None, 1)[0] if line.strip() else ""
                    if key in peak:
                        peak[key] = max(peak[key], int(line.split()[1]))
            except (OSError, ValueError, IndexError):
                pass
            done.wait(0.01)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    done.set()
    th.join()
    wall = time.time() - t
    out_f.seek(0)
    err_f.seek(0)
    r = subprocess.CompletedProcess(cmd, os.waitstatus_to_exitcode(status), out_f.read(), err_f.read())
    out_f.close()
    err_f.close()
    return wall, ru.ru_utime + ru.ru_stime, peak["VmHWM:"] / 1024.0, peak["RssAnon:"] / 1024.0, r
