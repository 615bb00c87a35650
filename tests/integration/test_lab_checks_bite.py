"""The labs' run.sh scripts check the numbers their questions rely on, not
only that each command ran: lab 2 run against a server that loses messages
over TCP (faulty_chat.py's flood fault, a flood limit that drops what a
fast sender writes) must fail, and fail at the figure a student would have
been misled by (Q3: all 200 messages delivered)."""
import os
import subprocess

from redchat import ROOT

FAULTY = os.path.join(ROOT, "tests", "integration", "faulty_chat.py")
LAB2 = os.path.join(ROOT, "labs", "lab2", "run.sh")


def run_lab(script, server):
    env = dict(os.environ, LAB_TCPCHATD=server)
    return subprocess.run(["bash", script], env=env, capture_output=True,
                          text=True, timeout=300)


def test_lab2_fails_when_tcp_loses_messages():
    r = run_lab(LAB2, f"python3 {FAULTY} 0 flood es")
    assert r.returncode != 0, r.stdout[-3000:]
    assert "FAIL (lab2" in r.stderr, r.stderr
    assert "Q3: all 200 messages delivered" in r.stderr, r.stderr
    # the steps before the burst passed: only the lost messages failed it
    assert "ok: Q2: four RTT samples" in r.stdout, r.stdout[-3000:]


def test_lab2_passes_with_faultless_python_server():
    """The same substitution with a faultless server passes the burst, so
    the failure above is the fault's and not the substitution's."""
    r = run_lab(LAB2, f"python3 {FAULTY} 0 none es")
    assert "ok: Q3: all 200 messages delivered" in r.stdout, \
        r.stdout[-3000:] + r.stderr[-3000:]
