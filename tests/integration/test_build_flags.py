"""Where a compiler warning stops the build: a plain `make`, `make check`
and `make sanitize` compile with -Werror; `make CFLAGS=...` (flags of
one's own, on the command line or in the environment) shows the warnings
and goes on, unless WERROR=-Werror asks again (`make sanitize` is `make
check` with CFLAGS of its own: the "check" case). Read from `make -n` into
an empty build directory, so every compile command is printed."""
import os
import subprocess
import tempfile

import pytest

from redchat import ROOT


def compile_lines(*args, env=None):
    # Run as make itself runs it (make check, make sanitize), make's own
    # variables would pass the outer command line (MAKEFLAGS) and its
    # CFLAGS to this one: start from none of them.
    base = {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES",
                         "CFLAGS", "LDFLAGS", "WERROR")}
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["make", "-n", f"BUILD={tmp}/build", f"BIN={tmp}/bin", *args],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**base, **(env or {})}).stdout
    lines = [l for l in out.splitlines() if " -c -o " in l]
    assert lines, out[-2000:]
    return lines


@pytest.mark.parametrize("args,env,werror", [
    ([], {}, True),
    (["CFLAGS=-O2 -Wconversion"], {}, False),
    ([], {"CFLAGS": "-O2 -Wconversion"}, False),
    (["CFLAGS=-O2 -Wconversion", "WERROR=-Werror"], {}, True),
    (["check", "CFLAGS=-O2 -Wconversion"], {}, True),
], ids=["make", "own-cflags", "env-cflags", "asked-again", "check"])
def test_werror_where_chosen(args, env, werror):
    lines = compile_lines(*args, env=env)
    assert all(("-Werror" in l) == werror for l in lines)
    if env or any(a.startswith("CFLAGS=") for a in args):
        assert all("-Wconversion" in l for l in lines)

