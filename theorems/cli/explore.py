"""``convac explore [SPEC] [--port P] [--no-browser]``: serve the explorer as a web page through Voila.

The page is a one-cell notebook, ``Explorer(spec)`` (:mod:`theorems.explore`), run by Voila on
127.0.0.1 in a kernel of this Python; the command prints the address, opens the browser unless
``--no-browser`` is given, and stops the server cleanly on Ctrl-C. The resource limits of the run
(``--max-memory``, ``--max-entries``) are written into the page's cell as arguments of ``set_limits``.
It is not one of the supervised computing commands: it computes nothing itself, and Ctrl-C must reach it
to stop the server.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from symbolic.errors import BackendUnavailable, ConvacError

#: Seconds to wait for Voila to answer on its port.
START_SECONDS = 90


def _notebook(spec_json: str | None, max_memory: int, max_entries: int) -> dict:
    arg = "" if spec_json is None else f"json.loads({spec_json!r})"
    src = (f"import json\nfrom symbolic.limits import set_limits\nset_limits({int(max_memory)}, {int(max_entries)})\n"
           "from theorems.explore import Explorer\nExplorer(" + arg + ")")
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "explorer", "metadata": {},
                       "outputs": [], "source": src}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def _free_port(port: int) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise ConvacError(f"--port {port}: the port is in use on 127.0.0.1; choose another (0: any free port)") \
                from None
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the Voila child (Linux): SIGTERM when this command dies, even by SIGKILL, so no server is orphaned."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(proc) -> None:
    """SIGTERM to Voila's process group (the server and its kernels), SIGKILL after 10 s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            proc.kill()
        proc.wait()


def cmd_explore(args) -> int:
    for mod in ("voila", "ipywidgets"):
        if importlib.util.find_spec(mod) is None:
            raise BackendUnavailable(f"{mod} is not installed; pip install 'convac[explore]'")
    if not 0 <= args.port <= 65535:
        raise ConvacError(f"--port: expected an int in 0..65535, got {args.port}")
    spec_json = None
    if args.spec is not None:
        from symbolic.spec.network import dump_spec

        from theorems.cli.args import read_spec

        spec_json = dump_spec(read_spec(args.spec))
    from symbolic.limits import limits

    from theorems.run.supervise import validate_timeout

    timeout = validate_timeout(getattr(args, "timeout", None))  # serve this long at most (exit 3), from the start
    port = _free_port(args.port)
    work = tempfile.mkdtemp(prefix="convac-explore-")
    nb = os.path.join(work, "convac-explore.ipynb")
    with open(nb, "w", encoding="utf-8") as f:
        lim = limits()  # this run's --max-memory / --max-entries, as arguments in the page's cell
        json.dump(_notebook(spec_json, lim.max_memory, lim.max_entries), f)
    log_path = os.path.join(work, "voila.log")
    cmd = [sys.executable, "-m", "voila", nb, "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--show_tracebacks=True", "--VoilaConfiguration.file_allowlist=[]",
           f"--Voila.root_dir={work}"]
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=os.getcwd(),
                            start_new_session=True, preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}/"

    def on_term(signum, frame):  # SIGTERM stops the server as Ctrl-C does
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C too, explicitly: a process started with SIGINT ignored (a test runner's worker, nohup) would
    # otherwise inherit the ignore, and Python installs no KeyboardInterrupt handler then
    old_int = signal.signal(signal.SIGINT, on_term)
    try:
        t0 = time.monotonic()
        while not _answers(port):
            if proc.poll() is not None or time.monotonic() - t0 > START_SECONDS:
                _stop(proc)
                log.close()
                tail = open(log_path, encoding="utf-8", errors="replace").read().strip().splitlines()[-3:]
                raise ConvacError(f"Voila did not start ({' | '.join(tail)[:400]}); its log: {log_path}")
            time.sleep(0.2)
        stops = "Ctrl-C stops" if timeout is None else f"it stops after {timeout:g} s, or on Ctrl-C"
        print(f"convac explore: serving the explorer at {url} ({stops})", flush=True)
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)
        try:
            proc.wait(timeout=None if timeout is None else max(0.0, timeout - (time.monotonic() - t0)))
        except subprocess.TimeoutExpired:
            _stop(proc)
            print(f"convac explore: stopped by --timeout after {timeout:g} s", file=sys.stderr, flush=True)
            log.close()
            shutil.rmtree(work, ignore_errors=True)
            return 3
        print(f"convac explore: the server stopped (exit {proc.returncode}); its log: {log_path}", file=sys.stderr)
        return 1 if proc.returncode else 0
    except KeyboardInterrupt:
        _stop(proc)
        print("convac explore: stopped", file=sys.stderr, flush=True)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
        return 0
    finally:
        _stop(proc)
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


def register(sub) -> None:
    """Add ``convac explore``."""
    p = sub.add_parser("explore", help="the interactive explorer in the browser (Voila; pip install 'convac[explore]')",
                       description="Serve the explorer (theorems.explore.Explorer: controls for "
                                   "a network, its circuit, "
                                   "grid tensor, matricization, certified rank, bounds and the "
                                   "pair's verdicts) as a web "
                                   "page on 127.0.0.1 through Voila. Ctrl-C stops it.",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="examples:\n  convac explore\n  convac explore net.json --port 0 --no-browser")
    p.add_argument("spec", nargs="?", default=None, help="start from this network (a spec file, or - for stdin)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866; 0: any free port)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; only print the address")
    p.set_defaults(func=cmd_explore)
    # not a supervised computing command (it runs a server until Ctrl-C), but the limits apply to its kernel
    g = p.add_argument_group("limits", "resource limits of the explorer's kernel (see symbolic/cost.py)")
    # SUPPRESS: the same flags given before the subcommand (convac --max-memory 8G explore) are kept, not reset
    g.add_argument("--max-memory", default=argparse.SUPPRESS, metavar="SIZE",
                   help="memory one job may use, e.g. 8G (default 4G)")
    g.add_argument("--max-entries", default=argparse.SUPPRESS, metavar="N",
                   help="largest grid tensor, e.g. 2^26 (default 2^24)")
    g.add_argument("--timeout", default=argparse.SUPPRESS, metavar="SECONDS",
                   help="stop serving after this many seconds (exit status 3); default: until Ctrl-C")
