"""Instructions per page rendered afresh by the served process (callgrind):
a figure the machine's other load does not move, unlike the bench's times.

    python bench/instructions.py DATABASE [--requests 40] [--script bench/serve.py]

It starts the site as the benchmark serves it (bench/serve.py, or wsgi.py
with its embedded queue consumer) under valgrind with a server that keeps no
page (IST_PAGE_CACHE_BYTES=0), warms each URL, then counts the instructions
of the whole process, every thread included, over ``--requests`` requests
per URL, one after another over HTTP. Valgrind runs the process about fifty
times slower, so threads that wake on a clock (the queue's consumer) are
counted fifty times more per request than they cost: compare such runs with
each other, not with the bench's times.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from plan import UNCACHED  # noqa: E402
from run import environment, free_port, landing  # noqa: E402

WARM_REQUESTS = 3
START_LIMIT_S = 600


def get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def control(pid: int, *options: str) -> None:
    subprocess.run(["callgrind_control", *options, str(pid)], check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database", type=Path)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--script", default="bench/serve.py")
    args = parser.parse_args()
    port = free_port()
    out = Path(tempfile.mkdtemp(prefix="instructions-"))
    env = {**environment(args.database.resolve()), "IST_PAGE_CACHE_BYTES": "0"}
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    command += [f"--callgrind-out-file={out / 'callgrind.out'}", sys.executable, args.script]
    command += ["--port", str(port)]
    if args.script.endswith("wsgi.py"):
        command += ["--no-access-log", "--no-demo"]
    server = subprocess.Popen(
        command, cwd=HERE.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while True:
            try:
                get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the site did not answer under valgrind") from None
                time.sleep(0.5)
        # As bench/run.py times them: ?page=N at the keyset page it redirects to.
        paths = [(name, landing(base, path)) for name, path, _limit in UNCACHED if "{" not in path]
        for _name, path in paths:
            for _ in range(WARM_REQUESTS):
                get(base + path)
        control(server.pid, "-i", "on")
        for number, (_name, path) in enumerate(paths):
            control(server.pid, "-z")
            for _ in range(args.requests):
                get(base + path)
            control(server.pid, "-d", f"url{number}")
    finally:
        server.terminate()
        server.wait(timeout=120)
    print(
        f"instructions per request, mean of {args.requests} ({args.script}, {args.database.name}):"
    )
    for number, (name, _path) in enumerate(paths):
        [dump] = [f for f in out.glob("callgrind.out.*") if f"url{number}" in f.read_text()[:2000]]
        total = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.M)
        assert total is not None
        print(f"  {name:<20} {int(total.group(1)) / args.requests / 1e6:6.1f} M")
    for dump in out.iterdir():
        dump.unlink()
    out.rmdir()


if __name__ == "__main__":
    main()
