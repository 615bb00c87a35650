"""Seed 003's TCP server as a busy machine runs it: each client's thread
runs a second late, so a name sent without a newline and a send 500 ms
after it arrive before its first recv() (argv: PORT). The server's own
code is run unchanged."""
import runpy
import sys
import threading
import time

_run = threading.Thread.run


def late_run(self):
    time.sleep(1.0)
    _run(self)


threading.Thread.run = late_run
sys.argv = [sys.argv[0].replace("seed_busy", "seed003_server"), *sys.argv[1:]]
runpy.run_path(__file__.replace("integration/seed_busy.py",
                                "seeds/seed003_server.py"),
               run_name="__main__")
