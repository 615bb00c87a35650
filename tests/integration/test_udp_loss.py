"""UDP under loss, the real path: nftables drops 20 % of the datagrams to
and from udpchatd's port (the rule set of labs/loss.sh, in a table of this
test's own that is always removed). Three udpchat clients must all join
(they send their nickname again until welcomed) and chat; what arrives is
what two hops of 80 % predict, within a wide binomial bound."""
import math
import os
import re
import shutil
import subprocess

import pytest

from redchat import ROOT, Server, stop_ok
from redchat_clients import Chat

LOSS = 20                   # percent, each way
LINES = 30                  # sent by each client

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("nft") is None,
    reason="needs root and nft to add loss with nftables "
           "(the same rules as labs/loss.sh)")


@pytest.fixture
def lossy():
    """lossy(port): drop LOSS % of the UDP datagrams to and from port."""
    table = f"redchat_test_loss_{os.getpid()}"
    added = []

    def _add(port):
        rules = subprocess.run(
            [os.path.join(ROOT, "labs", "loss.sh"), "rules", table,
             str(LOSS), str(port), str(port)],
            check=True, capture_output=True, text=True).stdout
        subprocess.run(["nft", "-f", "-"], input=rules, check=True,
                       text=True)
        added.append(table)
    yield _add
    for t in added:
        subprocess.run(["nft", "delete", "table", "inet", t], check=False)


def test_three_clients_join_and_chat_through_20_percent_loss(lossy):
    server = Server("udpchatd", "--lang", "en")
    lossy(server.port)
    nicks = ["ana", "luis", "eva"]
    chats = {n: Chat("udpchat", server.port, "--lang", "en", "--wait", "5",
                     nick=n, timeout=60) for n in nicks}
    try:
        # Each joins, retrying; when its welcome was lost, the answer to a
        # retry is "You are already called NICK." instead.
        for n, c in chats.items():
            c.expect(rf"^\*\*\* (Hello {n},|You are already called {n}\.)",
                     timeout=60)
        for k in range(LINES):
            for n, c in chats.items():
                c.send(f"m {n} {k}")
        outs = {n: c.wait(timeout=60) for n, c in chats.items()}
    finally:
        for c in chats.values():
            c.kill()
    got = 0
    for n, (status, out, err) in outs.items():
        assert status == 0, (n, err)
        lines = chats[n].seen
        for other in nicks:
            seen = {l for l in lines if re.fullmatch(
                rf"{other}: m {other} \d+", l)}
            assert other != n or not seen      # never back to the sender
            got += len(seen)
    # Each line reaches each of the 2 others with p = 0.8 * 0.8; the two
    # share the first hop, so the variance of a line's count is 0.6656.
    trials, p = len(nicks) * LINES * 2, (1 - LOSS / 100) ** 2
    mean, sd = trials * p, math.sqrt(len(nicks) * LINES * 0.6656)
    print(f"delivered {got} of {trials} (expected {mean:.0f} ± {sd:.1f})")
    assert mean - 6 * sd <= got <= mean + 6 * sd, (got, trials, mean, sd)
    stop_ok(server)
