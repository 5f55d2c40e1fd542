#!/usr/bin/env python3
"""Set up everything `make test` and `make run` need, then run them.

Standard library only: it runs with whatever ``python3`` the machine has.

1. A project-local virtual environment ``.venv`` holding this project with
   its test extras (never the system Python). It is reinstalled only when
   ``pyproject.toml``, the Odoo source or the requirements change.
2. Odoo 18.0, found or fetched, in this order:
   ``ODOO_PYTHON`` / ``ODOO_BIN`` (used as they are); ``ODOO_SRC`` (a local
   Odoo 18.0 source tree or source tarball, copied into the cache); the
   cache; a download of ``ODOO_URL`` (a source tarball, or a git repository
   cloned shallow at ``ODOO_BRANCH``). The source is put on ``.venv``'s path
   and its pinned requirements installed there.
3. PostgreSQL, found or started: the server that ``PG*`` (default
   127.0.0.1:5432, odoo/odoo) names when it answers; otherwise a private
   cluster (``initdb``/``pg_ctl``), started on a free port with its socket in
   the cache. ``stop`` stops it.

Usage: bootstrap.py test | run [--db DB] [--port PORT] | stop | env
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("JIT_VENV") or ROOT / ".venv")
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "jit_replenishment"
)
ODOO_URL_DEFAULT = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ODOO_BRANCH_DEFAULT = "18.0"
PINNED_REQUIREMENTS = ROOT / "tools" / "odoo-18.0-requirements.txt"
STAMP = ".jit-bootstrap.json"


class BootstrapError(Exception):
    """One clear line for the user: what went wrong and what to set."""


def say(msg: str) -> None:
    print(f"[bootstrap] {msg}", flush=True)


# --- the Odoo source -----------------------------------------------------------


def odoo_major(release_py: Path) -> tuple[int, str]:
    """(major, "18.0") read from an Odoo source's odoo/release.py, without
    importing it."""
    text = release_py.read_text(errors="replace")
    match = re.search(
        r"^version_info\s*=\s*\(\s*(?:['\"]saas~)?(\d+)\D+(\d+)", text, re.M
    )
    if not match:
        raise BootstrapError(f"{release_py} holds no version_info: not an Odoo source")
    return int(match.group(1)), f"{match.group(1)}.{match.group(2)}"


def find_source_root(path: Path) -> Path | None:
    """The folder holding odoo/release.py: ``path`` itself or one level down
    (tarballs unpack into odoo-18.0.post2025…/)."""
    if (path / "odoo" / "release.py").is_file():
        return path
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if (child / "odoo" / "release.py").is_file():
                return child
    return None


def check_version(root: Path, origin: str) -> str:
    major, version = odoo_major(root / "odoo" / "release.py")
    if major != 18:
        raise BootstrapError(
            f"{origin} is Odoo {version}, not 18.0: set ODOO_SRC to an Odoo 18.0 "
            f"source tree or tarball (or ODOO_URL to an 18.0 download)"
        )
    return version


# What of a source tree Odoo needs to run (a repackaged copy may hold more).
SOURCE_PARTS = ("odoo", "addons", "odoo-bin", "requirements.txt", "setup.py", "setup")


def copy_source(src_root: Path, dest: Path) -> None:
    """Copy the parts of an Odoo source that run Odoo into ``dest``, atomically
    (into a temporary sibling, then renamed)."""
    tmp = Path(tempfile.mkdtemp(prefix=".odoo-", dir=dest.parent))
    try:
        for part in SOURCE_PARTS:
            src = src_root / part
            if src.is_dir():
                shutil.copytree(src, tmp / part, symlinks=True)
            elif src.is_file():
                shutil.copy2(src, tmp / part)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def safe_extract(tf: tarfile.TarFile, into: Path) -> None:
    """Extract with the "data" filter where Python has it (3.11.4+), else
    refuse members that would land outside ``into`` (absolute paths, ``..``,
    links pointing out, devices)."""
    if hasattr(tarfile, "data_filter"):
        tf.extractall(into, filter="data")
        return
    root = into.resolve()
    for member in tf.getmembers():
        target = (into / member.name).resolve()
        link_target = (
            (target.parent / member.linkname).resolve()
            if member.issym() or member.islnk()
            else target
        )
        if (
            member.isdev()
            or root not in (target, *target.parents)
            or root not in (link_target, *link_target.parents)
        ):
            raise tarfile.TarError(f"unsafe member {member.name!r}")
    tf.extractall(into)  # noqa: S202 - every member checked above


def unpack(archive: Path, into: Path, origin: str) -> Path:
    """Unpack a .tar(.gz/.bz2/.xz) or .zip source archive; return its root."""
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(into)
        else:
            with tarfile.open(archive) as tf:
                safe_extract(tf, into)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BootstrapError(
            f"{origin} is not a complete Odoo source archive ({exc}): download it "
            f"again or set ODOO_SRC to an Odoo 18.0 source tree"
        ) from None
    root = find_source_root(into)
    if root is None:
        raise BootstrapError(
            f"{origin} holds no odoo/release.py: set ODOO_SRC to an Odoo 18.0 "
            f"source tree or tarball"
        )
    return root


def download(url: str, dest: Path) -> None:
    """Fetch ``url`` into ``dest``; a short body (Content-Length not reached)
    is an error, never a half file in the cache."""
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(dest, "wb") as fh:
            expected = resp.headers.get("Content-Length")
            while chunk := resp.read(1 << 20):
                fh.write(chunk)
                size += len(chunk)
    except http.client.IncompleteRead as exc:
        raise BootstrapError(
            f"downloading Odoo 18.0 from {url} stopped after {size + len(exc.partial)}"
            f" bytes: try again, or set ODOO_SRC to a local source"
        ) from None
    except urllib.error.HTTPError as exc:
        raise BootstrapError(
            f"downloading Odoo 18.0 from {url} failed: HTTP {exc.code}: set ODOO_URL "
            f"to an Odoo 18.0 source tarball or ODOO_SRC to a local source"
        ) from None
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        OSError,
        ValueError,
    ) as exc:
        reason = getattr(exc, "reason", exc)
        raise BootstrapError(
            f"downloading Odoo 18.0 from {url} failed ({reason}): set ODOO_URL to "
            f"a reachable Odoo 18.0 source tarball or ODOO_SRC to a local source"
        ) from None
    if expected is not None and size != int(expected):
        raise BootstrapError(
            f"downloading Odoo 18.0 from {url} stopped after {size} of {expected} "
            f"bytes: try again, or set ODOO_SRC to a local source"
        )


def is_git_url(url: str) -> bool:
    return url.endswith(".git") or url.startswith("git+") or url.startswith("git@")


def clone(url: str, branch: str, dest: Path) -> None:
    url = url.removeprefix("git+")
    if not shutil.which("git"):
        raise BootstrapError(
            f"ODOO_URL {url} is a git repository but git is not installed: install "
            f"git or set ODOO_URL to a source tarball"
        )
    proc = subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", "--branch", branch, url, str(dest)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["git clone failed"])[-1]
        raise BootstrapError(
            f"cloning branch {branch} of {url} failed ({last}): set ODOO_URL / "
            f"ODOO_BRANCH, or ODOO_SRC to a local source"
        )


def fetch_source(
    cache: Path,
    *,
    src: str | None = None,
    url: str | None = None,
    branch: str = ODOO_BRANCH_DEFAULT,
) -> Path:
    """Bring Odoo 18.0 into ``cache/odoo-18.0`` from ``src`` (a tree or an
    archive) or ``url``; return the cached root. Nothing half-made is left in
    the cache when anything fails."""
    cache.mkdir(parents=True, exist_ok=True)
    dest = cache / "odoo-18.0"
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=cache) as work:
        work = Path(work)
        if src:
            path = Path(src).expanduser()
            if not path.exists():
                raise BootstrapError(
                    f"ODOO_SRC={src} does not exist: set ODOO_SRC to "
                    f"an Odoo 18.0 source tree or tarball"
                )
            if path.is_dir():
                root = find_source_root(path)
                if root is None:
                    raise BootstrapError(
                        f"ODOO_SRC={src} holds no odoo/release.py: set ODOO_SRC to "
                        f"an Odoo 18.0 source tree or tarball"
                    )
            else:
                root = unpack(path, work / "src", f"ODOO_SRC={src}")
            origin = f"ODOO_SRC={src}"
        else:
            url = url or ODOO_URL_DEFAULT
            if is_git_url(url) or url.startswith("file://") and Path(url[7:]).is_dir():
                clone(url, branch, work / "src")
                root = find_source_root(work / "src")
                if root is None:
                    raise BootstrapError(
                        f"{url} holds no odoo/release.py: set "
                        f"ODOO_URL to an Odoo 18.0 source"
                    )
            else:
                archive = work / "odoo.tar"
                say(f"downloading Odoo 18.0 from {url}")
                download(url, archive)
                root = unpack(archive, work / "src", url)
            origin = url
        version = check_version(root, origin)
        say(f"caching Odoo {version} from {origin} in {dest}")
        copy_source(root, dest)
        (dest / ".jit-origin").write_text(origin + "\n")
    return dest


def cached_source(cache: Path) -> Path | None:
    dest = cache / "odoo-18.0"
    return dest if (dest / "odoo" / "release.py").is_file() else None


def odoo_requirements(source: Path) -> Path:
    """The source's own pinned requirements.txt when it is Odoo's (pins for
    psycopg2 and Werkzeug), else the project's copy of Odoo 18.0's pins."""
    req = source / "requirements.txt"
    if req.is_file():
        text = req.read_text(errors="replace")
        if re.search(r"^psycopg2==", text, re.M) and re.search(
            r"^Werkzeug==", text, re.M
        ):
            return req
    return PINNED_REQUIREMENTS


# --- the virtual environment ---------------------------------------------------


def venv_python() -> Path:
    return VENV / "bin" / "python"


def file_hash(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def pip(*args: str) -> None:
    cmd = [
        str(venv_python()),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        *args,
    ]
    say("$ " + " ".join(cmd[2:]))
    if subprocess.run(cmd).returncode != 0:
        raise BootstrapError(
            f"pip install {' '.join(args)} failed in {VENV} (see the lines above)"
        )


def site_packages() -> Path:
    out = subprocess.run(
        [
            str(venv_python()),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(out.stdout.strip())


def ensure_venv(source: Path | None) -> None:
    """Create .venv once; install the project (+ Odoo's requirements and the
    Odoo source on its path when ``source``), only when something changed."""
    if not venv_python().exists():
        say(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    reqs = odoo_requirements(source) if source else None
    stamp = {
        "python": sys.version.split()[0],
        "project": file_hash(ROOT / "pyproject.toml"),
        "odoo": str(source or ""),
        "odoo_origin": file_hash(source / ".jit-origin") if source else "",
        "requirements": file_hash(reqs) if reqs else "",
    }
    stamp_path = VENV / STAMP
    try:
        if json.loads(stamp_path.read_text()) == stamp:
            return
    except (OSError, ValueError):
        pass
    pip("-e", f"{ROOT}[test]")
    if source:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
            # python-ldap (auth_ldap only) needs libldap headers: optional.
            fh.writelines(
                line
                for line in reqs.read_text().splitlines(keepends=True)
                if not line.lower().startswith("python-ldap")
            )
        try:
            pip("-r", fh.name)
        finally:
            os.unlink(fh.name)
        (site_packages() / "odoo-source.pth").write_text(f"{source}\n")
        probe = subprocess.run(
            [str(venv_python()), "-c", "import odoo.release as r; print(r.version)"],
            capture_output=True,
            text=True,
        )
        if probe.returncode != 0:
            raise BootstrapError(
                f"`import odoo` fails in {VENV} after installing "
                f"{source}: {probe.stderr.strip().splitlines()[-1:]}"
            )
        say(f"Odoo {probe.stdout.strip()} from {source} installed in {VENV}")
    stamp_path.write_text(json.dumps(stamp))


def resolve_odoo(env: dict) -> Path | None:
    """The Odoo source to install into .venv, or None when ODOO_PYTHON /
    ODOO_BIN name an Odoo to use as it is."""
    if env.get("ODOO_PYTHON") or env.get("ODOO_BIN"):
        return None
    if env.get("ODOO_SRC"):
        cached = cached_source(CACHE)
        origin = f"ODOO_SRC={env['ODOO_SRC']}"
        if cached and (cached / ".jit-origin").read_text().strip() == origin:
            return cached
        return fetch_source(CACHE, src=env["ODOO_SRC"])
    cached = cached_source(CACHE)
    if cached:
        return cached
    return fetch_source(
        CACHE,
        url=env.get("ODOO_URL") or ODOO_URL_DEFAULT,
        branch=env.get("ODOO_BRANCH") or ODOO_BRANCH_DEFAULT,
    )


# --- PostgreSQL ---------------------------------------------------------------


PG_DIR = CACHE / "postgresql"


def pg_bin(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else the newest Debian/Ubuntu install."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(candidates[-1]) if candidates else None


def pg_answers(env: dict) -> bool:
    psql = pg_bin("psql")
    if not psql:
        return False
    proc = subprocess.run(
        [psql, "-X", "-tAc", "SELECT 1", "-d", "postgres"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.returncode == 0 and proc.stdout.strip() == "1"


def default_pg_env(env: dict) -> dict:
    env = dict(env)
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "odoo")
    env.setdefault("PGPASSWORD", "odoo")
    return env


def private_cluster_dir() -> Path:
    """Where the private cluster lives: the cache. Root cannot run
    PostgreSQL, so as root the cluster belongs to Debian's postgres user and
    lives in that user's own cache (root's home is closed to it)."""
    if os.geteuid() != 0:
        return PG_DIR
    import pwd

    try:
        home = Path(pwd.getpwnam("postgres").pw_dir)
    except KeyError:
        raise BootstrapError(
            "running as root needs a postgres user to own the private cluster "
            "(Debian's postgresql package creates it)"
        ) from None
    return home / ".cache" / "jit_replenishment" / "postgresql"


def as_cluster_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if not runuser:
        raise BootstrapError(
            "running as root needs runuser (util-linux) to start "
            "PostgreSQL as the postgres user"
        )
    return [runuser, "-u", "postgres", "--", *cmd]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_superuser() -> str:
    """The private cluster's superuser: the current user; as root (whose
    cluster runs as Debian's postgres user) "odoo", since Odoo refuses to
    connect as "postgres"."""
    if os.geteuid() == 0:
        return "odoo"
    import getpass

    return getpass.getuser()


def private_pg_env(base: Path, env: dict) -> dict:
    env = {k: v for k, v in env.items() if not k.startswith("PG")}
    env.update(
        PGHOST=str(base / "run"),
        PGPORT=(base / "port").read_text().strip(),
        PGUSER=cluster_superuser(),
        PGPASSWORD="",
    )
    return env


def start_private_cluster(env: dict) -> dict:
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        raise BootstrapError(
            "no PostgreSQL server answers (PGHOST/PGPORT/PGUSER) and none is "
            "installed: install it (Debian/Ubuntu: apt-get install postgresql) or "
            "use `docker compose up`"
        )
    base = private_cluster_dir()
    data, run = base / "data", base / "run"
    run.mkdir(parents=True, exist_ok=True)
    owner = None
    if os.geteuid() == 0:
        import pwd

        pw = pwd.getpwnam("postgres")
        owner = (pw.pw_uid, pw.pw_gid)
        for path in [*reversed(run.relative_to(Path(pw.pw_dir)).parents), run]:
            full = Path(pw.pw_dir) / path
            if full.stat().st_uid != pw.pw_uid:
                os.chown(full, *owner)
    if not (data / "PG_VERSION").exists():
        say(f"creating a private PostgreSQL cluster in {data}")
        subprocess.run(
            as_cluster_owner(
                [
                    initdb,
                    "-D",
                    str(data),
                    "-U",
                    cluster_superuser(),
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-instructions",
                ]
            ),
            check=True,
            capture_output=True,
        )
        (base / "port").write_text(f"{free_port()}\n")
    penv = private_pg_env(base, env)
    if not pg_answers(penv):
        port = penv["PGPORT"]
        say(f"starting the private PostgreSQL cluster on port {port} ({data})")
        proc = subprocess.run(
            as_cluster_owner(
                [
                    pg_ctl,
                    "-D",
                    str(data),
                    "-l",
                    str(base / "server.log"),
                    "-w",
                    "-o",
                    f"-p {port} -k {run} -c listen_addresses=''",
                    "start",
                ]
            ),
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise BootstrapError(
                f"the private PostgreSQL cluster did not start: see "
                f"{base / 'server.log'}"
            )
        for _ in range(30):
            if pg_answers(penv):
                break
            time.sleep(0.5)
    return penv


def ensure_postgres(env: dict) -> dict:
    """PG* of a server that answers: the one configured, else the private one."""
    configured = default_pg_env(env)
    if pg_answers(configured):
        return configured
    base = private_cluster_dir()
    if (base / "data" / "PG_VERSION").exists() or pg_bin("initdb"):
        return start_private_cluster(env)
    if not pg_bin("psql"):
        raise BootstrapError(
            "PostgreSQL is not installed: install it (Debian/Ubuntu: apt-get "
            "install postgresql) or use `docker compose up`"
        )
    raise BootstrapError(
        f"PostgreSQL at {configured['PGHOST']}:{configured['PGPORT']} does not answer "
        f"for user {configured['PGUSER']}: set PGHOST/PGPORT/PGUSER/PGPASSWORD, or "
        f"install the server (apt-get install postgresql) for a private cluster"
    )


def stop_postgres() -> None:
    base = private_cluster_dir()
    pg_ctl = pg_bin("pg_ctl")
    if not (base / "data" / "postmaster.pid").exists() or not pg_ctl:
        say("no private PostgreSQL cluster is running")
        return
    subprocess.run(
        as_cluster_owner(
            [pg_ctl, "-D", str(base / "data"), "-m", "fast", "-w", "stop"]
        ),
        check=False,
    )
    say("private PostgreSQL cluster stopped")


# --- entry point ---------------------------------------------------------------


def prepare() -> dict:
    """Everything ready; return the environment the test/run commands use."""
    env = dict(os.environ)
    source = resolve_odoo(env)
    ensure_venv(source)
    env.update(ensure_postgres(env))
    if source:
        env["ODOO_PYTHON"] = str(venv_python())
        env["ODOO_BIN"] = str(source / "odoo-bin")
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("test", "run", "stop", "env"):
        print(__doc__)
        return 2
    if argv[0] == "stop":
        stop_postgres()
        return 0
    try:
        env = prepare()
    except BootstrapError as exc:
        print(f"bootstrap: {exc}", file=sys.stderr)
        return 1
    if argv[0] == "env":
        for key in ("ODOO_PYTHON", "ODOO_BIN", "PGHOST", "PGPORT", "PGUSER"):
            print(f"{key}={env.get(key, '')}")
        return 0
    script = "run_tests.py" if argv[0] == "test" else "run_odoo.py"
    cmd = [str(venv_python()), str(ROOT / "tools" / script), *argv[1:]]
    os.execve(cmd[0], cmd, env)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
