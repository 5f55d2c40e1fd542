#!/usr/bin/env python3
"""The project's one test command (``make test`` calls it).

Always: the jit_core suite, ruff, pylint-odoo's mandatory checks, a
well-formedness check of every addon data file and the docker-compose check.

When Odoo 18 is importable (by ``$ODOO_PYTHON``, or by this Python, or next to
``$ODOO_BIN``) it also creates a fresh PostgreSQL database, installs
jit_replenishment and supplier_portal with demo data, runs their Odoo tests
with pytest-odoo (HttpCase and browser tours included), starts the Odoo server
on a free loopback port, runs the XML-RPC end-to-end tests against it, stops
the server and drops the database.

Environment:
  ODOO_PYTHON   a Python that imports Odoo 18 (default: the one running this)
  ODOO_BIN      an odoo-bin to use; its folder is put on that Python's path
  ODOO_ADDONS_PATH  extra addons folders (comma separated)
  PGHOST PGPORT PGUSER PGPASSWORD  PostgreSQL (default 127.0.0.1 5432 odoo odoo)
  JIT_TEST_KEEP_DB=1  keep the test database (for debugging)
  JIT_TEST_NO_TEMPLATE=1  do not reuse the cached template of Odoo's own modules

It ends with one line "N passed, N failed[, N skipped]" and exits non-zero
when anything that ran failed.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("jit_replenishment", "supplier_portal")
ARTIFACTS = ROOT / ".test-artifacts"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jit_tests"


@dataclass
class Suite:
    name: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)


RESULTS: list[Suite] = []


def say(msg: str) -> None:
    print(msg, flush=True)


def run(cmd, *, env=None, cwd=ROOT, log=None, check_output=False, timeout=None):
    """Run a command; stream or capture its output. Returns (rc, output)."""
    say("$ " + " ".join(str(c) for c in cmd))
    if log:
        with open(log, "w") as fh:
            proc = subprocess.run(
                [str(c) for c in cmd],
                env=env,
                cwd=cwd,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        return proc.returncode, Path(log).read_text(errors="replace")
    proc = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=cwd,
        text=True,
        stdout=subprocess.PIPE if check_output else None,
        stderr=subprocess.STDOUT if check_output else None,
        timeout=timeout,
    )
    return proc.returncode, proc.stdout or ""


def junit_counts(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) out of a pytest junit XML file."""
    if not path.exists():
        return 0, 0, 0
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failed = skipped = 0
    for s in suites:
        tests += int(s.get("tests", 0))
        failed += int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def pytest_suite(
    name,
    python,
    args,
    *,
    env=None,
    require_tests=True,
    forbid_skips=False,
    log_checks=(),
):
    """Run pytest, count its results from junit XML, add a Suite."""
    slug = "".join(c if c.isalnum() else "-" for c in name)
    junit = ARTIFACTS / f"{slug}.xml"
    junit.unlink(missing_ok=True)
    log = ARTIFACTS / f"{slug}.log"
    cmd = [python, "-m", "pytest", *args, f"--junitxml={junit}", "-q", "-rfEs"]
    rc, out = run(cmd, env=env, log=log)
    sys.stdout.write(out[-20000:])
    passed, failed, skipped = junit_counts(junit)
    suite = Suite(name, passed, failed, skipped)
    if rc not in (0, 1) and failed == 0:
        # collection error, crash, usage error, or no test collected (5)
        suite.failed += 1
        suite.notes.append(f"pytest exited with {rc} (see {log})")
    elif rc == 1 and failed == 0:
        suite.failed += 1
        suite.notes.append(f"pytest reported a failure outside any test (see {log})")
    if require_tests and passed + failed == 0:
        suite.failed += 1
        suite.notes.append("no test ran")
    if forbid_skips and skipped:
        suite.failed += skipped
        suite.notes.append(f"{skipped} test(s) skipped where none may be")
    for needle, why in log_checks:
        if needle in out:
            suite.failed += 1
            suite.notes.append(why)
    RESULTS.append(suite)
    return suite


def check_suite(name, ok, note=""):
    """A one-check suite; ``note`` says why when it failed."""
    suite = Suite(name, passed=int(ok), failed=int(not ok))
    if note and not ok:
        suite.notes.append(note)
    RESULTS.append(suite)
    return ok


# --- always-run suites ------------------------------------------------------


def run_jit_core():
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(ROOT), os.environ.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep),
    )
    # pytest-odoo imports odoo when loaded: keep it out of the pure suites.
    pytest_suite(
        "jit_core",
        sys.executable,
        ["-p", "no:odoo", "-p", "no:cacheprovider", "tests/jit_core"],
        env=env,
    )


def run_bootstrap_tests():
    # The set-up of `make test` / `make run`: fetching Odoo over loopback HTTP
    # and from a local git repository, version checks, clear errors.
    pytest_suite(
        "bootstrap",
        sys.executable,
        ["-p", "no:odoo", "-p", "no:cacheprovider", "tests/bootstrap"],
    )


def run_linters():
    ruff = shutil.which("ruff") or None
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    rc, out = run([*cmd, "check", "."], check_output=True)
    say(out.strip())
    check_suite("ruff", rc == 0, "" if rc == 0 else "ruff found problems")
    rc, out = run(
        [sys.executable, "-m", "pylint", "--rcfile=.pylintrc-mandatory", *ADDONS],
        check_output=True,
    )
    say(out.strip())
    check_suite(
        "pylint-odoo (mandatory)",
        rc == 0,
        "" if rc == 0 else "pylint-odoo found problems",
    )


def run_addon_file_checks():
    """Every manifest parses, every data file it names exists and is well formed."""
    passed, problems = 0, []
    for addon in ADDONS:
        manifest_path = ROOT / addon / "__manifest__.py"
        try:
            manifest = ast.literal_eval(manifest_path.read_text())
        except (SyntaxError, ValueError) as exc:
            problems.append(f"{manifest_path}: {exc}")
            continue
        files = set(manifest.get("data", [])) | set(manifest.get("demo", []))
        files |= {
            str(p.relative_to(ROOT / addon)) for p in (ROOT / addon).rglob("*.xml")
        }
        for rel in sorted(files):
            path = ROOT / addon / rel
            if not path.exists():
                problems.append(f"{addon}/{rel}: named in the manifest but missing")
            elif path.suffix == ".xml":
                try:
                    ET.parse(path)
                    passed += 1
                except ET.ParseError as exc:
                    problems.append(f"{addon}/{rel}: {exc}")
            elif path.suffix == ".csv":
                with open(path, newline="") as fh:
                    rows = list(csv.reader(fh))
                width = len(rows[0]) if rows else 0
                bad = [i + 1 for i, r in enumerate(rows) if len(r) != width]
                if not rows or bad:
                    problems.append(f"{addon}/{rel}: malformed rows {bad}")
                else:
                    passed += 1
    for p in problems:
        say("addon file check: " + p)
    suite = Suite("addon data files", passed=passed, failed=len(problems))
    RESULTS.append(suite)


def run_compose_check():
    compose = ROOT / "docker-compose.yml"
    candidates = []
    if shutil.which("docker"):
        rc, _ = run(["docker", "compose", "version"], check_output=True)
        if rc == 0:
            candidates.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    if not candidates:
        say(
            "SKIPPED docker-compose check: neither `docker compose` nor "
            "`docker-compose` is installed (Debian: apt-get install docker-compose)."
        )
        RESULTS.append(Suite("docker-compose config", skipped=1))
        return
    rc, out = run([*candidates[0], "-f", compose, "config", "-q"], check_output=True)
    say(out.strip())
    check_suite(
        "docker-compose config", rc == 0, "" if rc == 0 else "compose file invalid"
    )


# --- Odoo -------------------------------------------------------------------


def find_odoo():
    """Return (python, env, odoo_root, version) or a reason string."""
    python = os.environ.get("ODOO_PYTHON") or sys.executable
    env = dict(os.environ)
    # The checkout's jit_core first, whatever copy the Python has installed.
    paths = [str(ROOT)]
    odoo_bin = os.environ.get("ODOO_BIN")
    if odoo_bin:
        paths.append(str(Path(odoo_bin).resolve().parent))
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    probe = (
        "import json, os, odoo, odoo.release as r; "
        "print(json.dumps([r.version_info[0], r.version, "
        "os.path.dirname(os.path.abspath(odoo.__file__))]))"
    )
    try:
        proc = subprocess.run(
            [python, "-c", probe], env=env, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{python} could not be run ({exc})"
    if proc.returncode != 0:
        return f"`import odoo` fails in {python}"
    major, version, pkg = json.loads(proc.stdout.strip().splitlines()[-1])
    if major != 18:
        raise SystemExit(
            f"Odoo {version} found in {python}; this suite needs Odoo 18.0"
        )
    return python, env, Path(pkg), version


def pg_env():
    env = dict(os.environ)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "odoo")
    env.setdefault("PGPASSWORD", "odoo")
    return env


def psql(sql, *, db="postgres"):
    env = pg_env()
    proc = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def addon_dependencies():
    deps = set()
    for addon in ADDONS:
        manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
        deps |= set(manifest.get("depends", []))
    return sorted(deps - set(ADDONS))


def log_errors(text):
    return [
        line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line
    ]


def odoo_cmd(python, odoo_pkg):
    odoo_bin = os.environ.get("ODOO_BIN") or odoo_pkg.parent / "odoo-bin"
    if Path(odoo_bin).exists():
        return [python, str(odoo_bin)]
    return [python, "-m", "odoo"]


def write_config(path, odoo_pkg, data_dir, db=None, port=None):
    env = pg_env()
    paths = [p for p in (odoo_pkg / "addons", odoo_pkg.parent / "addons") if p.is_dir()]
    extra = [p for p in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if p]
    addons_path = ",".join([str(ROOT), *map(str, paths), *extra])
    lines = [
        "[options]",
        f"addons_path = {addons_path}",
        f"data_dir = {data_dir}",
        f"db_host = {env['PGHOST']}",
        f"db_port = {env['PGPORT']}",
        f"db_user = {env['PGUSER']}",
        f"db_password = {env['PGPASSWORD']}",
        "admin_passwd = jit-test-admin",
        "list_db = False",
        "workers = 0",
        "max_cron_threads = 0",
        "http_interface = 127.0.0.1",
    ]
    if db:
        lines += [f"db_name = {db}", f"dbfilter = ^{db}$"]
    if port:
        lines.append(f"http_port = {port}")
    Path(path).write_text("\n".join(lines) + "\n")


def ensure_template(python, env, odoo_pkg, version, data_dir):
    """A database with Odoo's own dependencies installed, built once and cloned."""
    deps = addon_dependencies()
    key = hashlib.sha1(json.dumps([version, str(odoo_pkg), deps]).encode()).hexdigest()[
        :10
    ]
    name = f"jit_tmpl_{key}"
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists and (data_dir / "filestore" / name).is_dir():
        say(f"Reusing template database {name} ({', '.join(deps)})")
        return name
    building = f"{name}_building"
    psql(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cfg = ARTIFACTS / "odoo-template.conf"
    write_config(cfg, odoo_pkg, data_dir)
    say(f"Building template database {name} with {', '.join(deps)} (about a minute)")
    rc, out = run(
        [
            *odoo_cmd(python, odoo_pkg),
            "-c",
            cfg,
            "-d",
            building,
            "-i",
            ",".join(deps),
            "--stop-after-init",
            "--log-level=warn",
        ],
        env=env,
        log=ARTIFACTS / "odoo-template.log",
    )
    if rc != 0 or log_errors(out):
        raise RuntimeError(
            "could not build the template database:\n"
            + "\n".join(log_errors(out)[-20:] or out.splitlines()[-20:])
        )
    psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    src = data_dir / "filestore" / building
    if src.exists():
        shutil.rmtree(data_dir / "filestore" / name, ignore_errors=True)
        src.rename(data_dir / "filestore" / name)
    else:
        (data_dir / "filestore" / name).mkdir(parents=True, exist_ok=True)
    return name


def create_database(python, env, odoo_pkg, version, data_dir, db):
    template = None
    if not os.environ.get("JIT_TEST_NO_TEMPLATE"):
        template = ensure_template(python, env, odoo_pkg, version, data_dir)
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    if template:
        psql(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
        shutil.copytree(
            data_dir / "filestore" / template,
            data_dir / "filestore" / db,
            dirs_exist_ok=True,
        )


def drop_database(data_dir, db):
    if os.environ.get("JIT_TEST_KEEP_DB"):
        say(f"Keeping database {db} (JIT_TEST_KEEP_DB)")
        return
    try:
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    except RuntimeError as exc:
        say(str(exc))
    shutil.rmtree(data_dir / "filestore" / db, ignore_errors=True)


def wait_for_server(url, proc, timeout=120):
    deadline = time.monotonic() + timeout
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}).encode()
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            req = urllib.request.Request(
                url + "/web/webclient/version_info",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def browser_problem(python, env):
    if not any(
        shutil.which(b)
        for b in (
            "google-chrome",
            "chromium",
            "chromium-browser",
            "google-chrome-stable",
        )
    ):
        return (
            "no Chromium/Chrome executable on PATH (Debian: apt-get install chromium)"
        )
    rc = subprocess.run(
        [python, "-c", "import websocket"], env=env, capture_output=True
    ).returncode
    if rc != 0:
        return f"{python} cannot import websocket (pip install websocket-client)"
    return None


def run_odoo_suites(found):
    python, env, odoo_pkg, version = found
    env = {**env, **pg_env()}
    try:
        psql("SELECT 1")
    except (RuntimeError, FileNotFoundError) as exc:
        check_suite("postgresql", False, f"PostgreSQL unreachable: {exc}")
        return
    problem = browser_problem(python, env)
    if problem:
        # Odoo would only log a warning and skip the tours: fail instead.
        check_suite("browser for HttpCase tours", False, problem)
        return
    data_dir = CACHE / "odoo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    db = f"jit_test_{os.getpid()}"
    server = None
    try:
        try:
            create_database(python, env, odoo_pkg, version, data_dir, db)
        except RuntimeError as exc:
            check_suite("odoo database", False, str(exc))
            return
        cfg = ARTIFACTS / "odoo.conf"
        write_config(cfg, odoo_pkg, data_dir, db=db)
        rc, out = run(
            [
                *odoo_cmd(python, odoo_pkg),
                "-c",
                cfg,
                "-d",
                db,
                "-i",
                ",".join(ADDONS),
                "--stop-after-init",
                "--log-level=info",
            ],
            env=env,
            log=ARTIFACTS / "odoo-install.log",
        )
        errors = log_errors(out)
        if rc != 0 or errors:
            say("\n".join(errors[-30:] or out.splitlines()[-30:]))
        if not check_suite(
            f"install {', '.join(ADDONS)}",
            rc == 0 and not errors,
            f"install failed (see {ARTIFACTS / 'odoo-install.log'})",
        ):
            return
        pytest_suite(
            "odoo tests",
            python,
            [
                "-p",
                "odoo",
                "-p",
                "no:cacheprovider",
                f"--odoo-config={cfg}",
                f"--odoo-database={db}",
                "--odoo-http",
                "--odoo-log-level=warn",
                *[f"{a}/tests" for a in ADDONS],
            ],
            env=env,
            forbid_skips=True,
            log_checks=[
                ("Chrome executable not found", "a browser tour did not run"),
                ("websocket-client", "a browser tour did not run"),
            ],
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server_log = open(ARTIFACTS / "odoo-server.log", "w")
        server = subprocess.Popen(
            [
                *odoo_cmd(python, odoo_pkg),
                "-c",
                str(cfg),
                "-d",
                db,
                f"--http-port={port}",
                "--log-level=warn",
            ],
            env=env,
            cwd=ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_for_server(url, server):
            check_suite(
                "odoo server",
                False,
                f"server did not answer on {url} (see odoo-server.log)",
            )
            return
        e2e_env = dict(
            os.environ,
            JIT_E2E_URL=url,
            JIT_E2E_DB=db,
            JIT_E2E_LOGIN="admin",
            JIT_E2E_PASSWORD="admin",
            PYTHONPATH=str(ROOT),
        )
        pytest_suite(
            "xml-rpc end-to-end",
            sys.executable,
            ["-p", "no:odoo", "-p", "no:cacheprovider", "tests/e2e"],
            env=e2e_env,
            forbid_skips=True,
        )
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        drop_database(data_dir, db)


def main():
    ARTIFACTS.mkdir(exist_ok=True)
    run_jit_core()
    run_bootstrap_tests()
    run_linters()
    run_addon_file_checks()
    run_compose_check()
    found = find_odoo()
    if isinstance(found, str):
        say(
            f"SKIPPED the Odoo suites (install jit_replenishment and supplier_portal, "
            f"pytest-odoo tests, XML-RPC end-to-end): {found}. Set ODOO_PYTHON to a "
            f"Python that imports Odoo 18, or ODOO_BIN to an odoo-bin, to run them."
        )
        RESULTS.append(Suite("odoo suites", skipped=3))
    else:
        say(f"Odoo {found[3]} found at {found[2]} (python: {found[0]})")
        run_odoo_suites(found)

    say("")
    say("=" * 70)
    for s in RESULTS:
        status = (
            "FAIL" if s.failed else ("SKIP" if not s.passed and s.skipped else "ok")
        )
        say(
            f"{status:4}  {s.name}: {s.passed} passed, {s.failed} failed, "
            f"{s.skipped} skipped" + (f"  -- {'; '.join(s.notes)}" if s.notes else "")
        )
    passed = sum(s.passed for s in RESULTS)
    failed = sum(s.failed for s in RESULTS)
    skipped = sum(s.skipped for s in RESULTS)
    say(
        f"{passed} passed, {failed} failed"
        + (f", {skipped} skipped" if skipped else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
