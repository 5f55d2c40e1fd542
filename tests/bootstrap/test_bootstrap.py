"""The bootstrap's fetch of Odoo, for real but without the internet.

A small Odoo-shaped source (odoo/release.py, odoo-bin, requirements.txt) is
packed into tarballs served by an HTTP server on the loopback interface, and
committed into a local git repository; the bootstrap fetches, unpacks, checks
and caches it exactly as it does Odoo 18.0 from its official source. The heavy
part (pip-installing Odoo's requirements) runs in CI through `make test`.
"""

import http.server
import importlib.util
import io
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location(
    "bootstrap", ROOT / "tools" / "bootstrap.py"
)
bootstrap = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bootstrap)

ODOO_REQUIREMENTS = "psycopg2==2.9.5\nWerkzeug==2.3.8\npython-ldap==3.4.0\n"


def release_py(major, minor=0):
    return (
        "RELEASE_LEVELS = [ALPHA, BETA, RELEASE_CANDIDATE, FINAL] = "
        "['alpha', 'beta', 'candidate', 'final']\n"
        f"version_info = ({major}, {minor}, 0, FINAL, 0, '')\n"
    )


def make_source(base: Path, major=18, name="odoo-18.0.post20250702") -> Path:
    root = base / name
    (root / "odoo" / "addons" / "base").mkdir(parents=True)
    (root / "odoo" / "release.py").write_text(release_py(major))
    (root / "odoo" / "__init__.py").write_text("")
    (root / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    (root / "requirements.txt").write_text(ODOO_REQUIREMENTS)
    # A repackaged copy may carry more (a bundled Python, installers): not cached.
    (root / "python").mkdir()
    (root / "python" / "python.exe").write_text("x" * 100)
    return root


def tarball(src_root: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        tf.add(src_root, arcname=src_root.name)
    return buf.getvalue()


class Server:
    """Serves fixed bodies on 127.0.0.1; a route may lie about its length."""

    def __init__(self):
        self.routes = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path not in routes:
                    self.send_error(404)
                    return
                body, length = routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path, body, length=None):
        self.routes[path] = (body, len(body) if length is None else length)
        return self.url + path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.close()


def test_download_unpacks_checks_and_caches(tmp_path, server):
    src = make_source(tmp_path / "build")
    url = server.add("/odoo_18.0.latest.tar.gz", tarball(src))
    cache = tmp_path / "cache"
    root = bootstrap.fetch_source(cache, url=url)
    assert root == cache / "odoo-18.0"
    assert bootstrap.odoo_major(root / "odoo" / "release.py") == (18, "18.0")
    assert (root / "odoo-bin").is_file()
    assert (root / ".jit-origin").read_text().strip() == url
    # Only what runs Odoo is cached, and no temporary folder is left behind.
    assert not (root / "python").exists()
    assert sorted(p.name for p in cache.iterdir()) == ["odoo-18.0"]
    assert bootstrap.cached_source(cache) == root


def test_download_404_is_one_clear_line_and_caches_nothing(tmp_path, server):
    cache = tmp_path / "cache"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(cache, url=server.url + "/missing.tar.gz")
    message = str(err.value)
    assert "HTTP 404" in message and "ODOO_URL" in message and "ODOO_SRC" in message
    assert "\n" not in message
    assert bootstrap.cached_source(cache) is None
    assert list(cache.iterdir()) == []


def test_truncated_download_is_refused(tmp_path, server):
    body = tarball(make_source(tmp_path / "build"))
    # The server announces the whole file but sends half of it.
    url = server.add("/short.tar.gz", body[: len(body) // 2], length=len(body))
    cache = tmp_path / "cache"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(cache, url=url)
    assert "stopped after" in str(err.value)
    assert bootstrap.cached_source(cache) is None


def test_cut_archive_is_refused(tmp_path, server):
    body = tarball(make_source(tmp_path / "build"))
    # A file that is complete as served but is itself a cut archive.
    url = server.add("/cut.tar.gz", body[: len(body) - 40])
    cache = tmp_path / "cache"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(cache, url=url)
    assert "not a complete Odoo source archive" in str(err.value)
    assert bootstrap.cached_source(cache) is None


def test_wrong_version_is_refused(tmp_path, server):
    url = server.add("/odoo17.tar.gz", tarball(make_source(tmp_path / "b", major=17)))
    cache = tmp_path / "cache"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(cache, url=url)
    assert "is Odoo 17.0, not 18.0" in str(err.value)
    assert "ODOO_SRC" in str(err.value)
    assert bootstrap.cached_source(cache) is None


def test_shallow_clone_of_a_local_git_repository(tmp_path):
    src = make_source(tmp_path / "build")
    repo = tmp_path / "odoo.git"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "18.0", str(repo)], check=True)
    for item in src.iterdir():
        item.rename(repo / item.name)
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "one"], check=True)
    (repo / "odoo-bin").write_text("#!/usr/bin/env python3\n# two\n")
    subprocess.run([*git, "-C", str(repo), "commit", "-qam", "two"], check=True)
    cache = tmp_path / "cache"
    root = bootstrap.fetch_source(cache, url=f"file://{repo}", branch="18.0")
    assert root == cache / "odoo-18.0"
    assert "# two" in (root / "odoo-bin").read_text()
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(tmp_path / "c2", url=f"file://{repo}", branch="17.0")
    assert "cloning branch 17.0" in str(err.value) and "ODOO_BRANCH" in str(err.value)


def test_local_source_tree_and_tarball(tmp_path):
    src = make_source(tmp_path / "build")
    # A tree: the folder itself, or its parent (one level down is found).
    root = bootstrap.fetch_source(tmp_path / "c1", src=str(src.parent))
    assert (root / "odoo" / "release.py").is_file() and not (root / "python").exists()
    archive = tmp_path / "odoo.tar.gz"
    archive.write_bytes(tarball(src))
    root = bootstrap.fetch_source(tmp_path / "c2", src=str(archive))
    assert (root / ".jit-origin").read_text().strip() == f"ODOO_SRC={archive}"
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(tmp_path / "c3", src=str(tmp_path / "nowhere"))
    assert "does not exist" in str(err.value)
    # A cache is itself a valid source; an empty folder is not.
    assert bootstrap.fetch_source(tmp_path / "c4", src=str(tmp_path / "c1")).is_dir()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.fetch_source(tmp_path / "c5", src=str(empty))
    assert "holds no odoo/release.py" in str(err.value)


def test_requirements_are_odoos_own_or_the_pinned_copy(tmp_path):
    src = make_source(tmp_path / "build")
    assert bootstrap.odoo_requirements(src) == src / "requirements.txt"
    # A repackaged copy whose requirements.txt is not Odoo's pinned list.
    (src / "requirements.txt").write_text("psycopg2\nWerkzeug\nbabel\n")
    assert bootstrap.odoo_requirements(src) == bootstrap.PINNED_REQUIREMENTS
    (src / "requirements.txt").unlink()
    assert bootstrap.odoo_requirements(src) == bootstrap.PINNED_REQUIREMENTS
    pinned = bootstrap.PINNED_REQUIREMENTS.read_text()
    assert "psycopg2==2.9.5 ; python_version == '3.11'" in pinned


def test_no_postgresql_says_what_to_install(monkeypatch):
    monkeypatch.setattr(bootstrap, "pg_answers", lambda env: False)
    monkeypatch.setattr(bootstrap, "pg_bin", lambda name: None)
    monkeypatch.setattr(bootstrap, "private_cluster_dir", lambda: Path("/nonexistent"))
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.ensure_postgres({})
    assert "apt-get install postgresql" in str(err.value)
    assert "docker compose up" in str(err.value)


def test_a_server_that_answers_is_used_as_configured(monkeypatch):
    seen = []
    monkeypatch.setattr(bootstrap, "pg_answers", lambda env: seen.append(env) or True)
    env = bootstrap.ensure_postgres({"PGPORT": "5433"})
    assert env["PGPORT"] == "5433" and env["PGHOST"] == "127.0.0.1"
    assert env["PGUSER"] == "odoo"
    assert len(seen) == 1


@pytest.mark.parametrize("with_filter", [True, False])
def test_archive_members_stay_inside(tmp_path, monkeypatch, with_filter):
    """Pythons before 3.11.4 (Debian 12's 3.11.2) have no tar "data" filter:
    the bootstrap checks every member itself there."""
    if not with_filter:
        monkeypatch.delattr(bootstrap.tarfile, "data_filter", raising=False)
    good = tmp_path / "good.tar.gz"
    good.write_bytes(tarball(make_source(tmp_path / "build")))
    root = bootstrap.unpack(good, tmp_path / "out", "good.tar.gz")
    assert (root / "odoo" / "release.py").is_file()
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as tf:
        data = b"x"
        info = tarfile.TarInfo("../escaped.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(bootstrap.BootstrapError) as err:
        bootstrap.unpack(evil, tmp_path / "out2", "evil.tar")
    assert "not a complete Odoo source archive" in str(err.value)
    assert not (tmp_path / "escaped.txt").exists()
