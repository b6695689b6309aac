"""The managed local Elasticsearch node (`search.node` and `manage.py search_node`).

Real processes and sockets throughout. Homes are temporary directories, ports are free ephemeral
ones (never 9200 or 9250), and the download cache is seeded from the copy of the distribution in
the local Maven repository so nothing is fetched from the network.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search import node
from search.node import NodeConfig, NodeError

M2_REPOSITORY = Path.home() / ".m2" / "repository"


def _verified_distribution() -> Path:
    """The zip that `make test` fetched before the suite: in the node's download cache, or in
    the local Maven repository when mvn fetched it."""
    name = f"elasticsearch-{node.ES_VERSION}.zip"
    candidates = [
        NodeConfig.from_settings().download_dir / name,
        M2_REPOSITORY / node.ES_GROUP_PATH / node.ES_VERSION / name,
    ]
    return next((path for path in candidates if path.is_file()), candidates[-1])


DISTRIBUTION_ZIP = _verified_distribution()


@pytest.fixture
def _distribution():
    if not DISTRIBUTION_ZIP.is_file():
        pytest.fail(
            f"no verified Elasticsearch zip at {DISTRIBUTION_ZIP}: run the suite with `make test`"
        )


needs_distribution = pytest.mark.usefixtures("_distribution")


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in (9200, 9250):
            return port


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def seed_cache(download_dir: Path) -> Path:
    """Put the verified zip into a download cache (a hard link when possible: no copy)."""
    download_dir.mkdir(parents=True, exist_ok=True)
    target = download_dir / DISTRIBUTION_ZIP.name
    try:
        os.link(DISTRIBUTION_ZIP, target)
    except OSError:
        shutil.copyfile(DISTRIBUTION_ZIP, target)
    return target


@pytest.fixture
def no_tools_on_path(tmp_path, monkeypatch):
    """A PATH with neither java nor mvn on it."""
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    return empty_bin


@pytest.fixture
def offline_config(tmp_path, no_tools_on_path):
    """A config that can fetch nothing: no mvn, an empty Maven repo, an unreachable URL."""
    return NodeConfig(
        home=tmp_path / "home",
        http_port=free_port(),
        maven_repository="http://127.0.0.1:1/",
        m2_repository=tmp_path / "empty-m2",
        state_dir=tmp_path / "state",
    )


@pytest.fixture
def reachable_home():
    """A home the node's unprivileged user can reach when the tests run as root.

    pytest's tmp_path lives under /tmp/pytest-of-<user>, which is mode 700, so `state_dir()` would
    (correctly) move the install to /var/lib; a world-traversable directory keeps the test in /tmp.
    """
    home = Path(tempfile.mkdtemp(prefix="search-node-test-"))
    home.chmod(0o755)
    yield home
    shutil.rmtree(home, ignore_errors=True)


# --- Java ---------------------------------------------------------------------------------------


def test_no_java_is_one_clear_sentence(tmp_path, no_tools_on_path):
    empty_jdk = tmp_path / "jdk"
    empty_jdk.mkdir()
    config = NodeConfig(home=tmp_path / "home", http_port=free_port(), java_home=empty_jdk)

    with pytest.raises(NodeError) as raised:
        node.start(config)

    message = str(raised.value)
    assert message.startswith("Java 17 or later was not found")
    assert "apt-get install openjdk-17-jre-headless" in message
    assert message.endswith("or set ES_JAVA_HOME to its home.")
    assert "\n" not in message
    assert not config.home.exists()  # nothing downloaded or unpacked before Java was checked


def test_no_java_through_the_command(tmp_path, no_tools_on_path, monkeypatch, settings):
    empty_jdk = tmp_path / "jdk"
    empty_jdk.mkdir()
    monkeypatch.setenv("ES_JAVA_HOME", str(empty_jdk))
    settings.SEARCH_NODE_HOME = tmp_path / "home"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(CommandError, match=r"^Java 17 or later was not found"):
        call_command("search_node", "start", stdout=io.StringIO())


def test_java_is_found_without_an_override():
    java = node.find_java(NodeConfig(home=Path("/nonexistent")))
    assert java.version >= 17
    assert (java.home / "bin" / "java").is_file()


# --- Port ---------------------------------------------------------------------------------------


def _silent(connection: socket.socket) -> None:
    connection.recv(1024)


def _garbage(connection: socket.socket) -> None:
    connection.recv(1024)
    connection.sendall(b"garbage that is not HTTP\r\n\r\n")


@pytest.mark.parametrize("behaviour", [_silent, _garbage], ids=["silent", "garbage"])
def test_port_held_by_another_program(tmp_path, behaviour):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def serve() -> None:
            while True:
                try:
                    connection, _ = server.accept()
                except OSError:
                    return
                with connection:
                    behaviour(connection)

        threading.Thread(target=serve, daemon=True).start()
        config = NodeConfig(home=tmp_path / "home", http_port=port)

        with pytest.raises(NodeError) as raised:
            node.start(config)

    assert str(raised.value) == (
        f"Port {port} on 127.0.0.1 is already in use by another program; stop it or set "
        f"ELASTICSEARCH_URL to another port (for example http://127.0.0.1:{port + 1})."
    )


def test_remote_url_needs_no_managed_node(tmp_path):
    config = NodeConfig(home=tmp_path / "home", host="search.example.org", http_port=9200)

    result = node.start(config)

    assert "not needed" in result.message
    assert "search.example.org" in result.message
    assert "not needed" in node.stop(config)
    assert not config.home.exists()


# --- Download -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"garbage, not a zip", "truncated"],
    ids=["garbage", "truncated"],
)
def test_corrupt_cached_zip_is_removed_and_reported(offline_config, content):
    if content == "truncated":
        assert DISTRIBUTION_ZIP.is_file(), f"no verified Elasticsearch zip at {DISTRIBUTION_ZIP}"
        with open(DISTRIBUTION_ZIP, "rb") as source:
            content = source.read(1 << 20)
    offline_config.download_dir.mkdir(parents=True)
    cached = offline_config.download_dir / offline_config.zip_name
    cached.write_bytes(content)

    with pytest.raises(NodeError) as raised:
        node.ensure_distribution(offline_config)

    message = str(raised.value)
    assert message.startswith(f"The cached download {cached} failed its SHA-512 check and was")
    assert offline_config.download_url in message
    assert f"place a verified copy by hand at {cached}" in message
    assert "\n" not in message
    assert not cached.exists()
    assert list(offline_config.download_dir.iterdir()) == []  # no .part left behind


def test_failed_download_names_the_url_and_where_to_put_the_file(offline_config):
    with pytest.raises(NodeError) as raised:
        node.ensure_distribution(offline_config)

    target = offline_config.download_dir / offline_config.zip_name
    assert str(raised.value).startswith(f"Could not download {offline_config.download_url} (")
    assert str(raised.value).endswith(f"or place the file by hand at {target}.")


@needs_distribution
def test_valid_cached_zip_is_used_without_network(offline_config):
    cached = seed_cache(offline_config.download_dir)
    inode = cached.stat().st_ino

    assert node.ensure_distribution(offline_config) == cached
    assert cached.stat().st_ino == inode  # used in place, not fetched again


@needs_distribution
def test_local_maven_copy_is_reused_before_any_network(offline_config):
    offline_config.m2_repository = M2_REPOSITORY

    zip_path = node.ensure_distribution(offline_config)

    assert zip_path == offline_config.download_dir / offline_config.zip_name
    assert zip_path.stat().st_size == DISTRIBUTION_ZIP.stat().st_size


class _CountingHandler(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def maven_repository(tmp_path):
    """A local HTTP server laid out like a Maven repository; yields (url, artifact path, hits)."""
    root = tmp_path / "repo"
    artifact = root / node.ES_GROUP_PATH / node.ES_VERSION / f"elasticsearch-{node.ES_VERSION}.zip"
    artifact.parent.mkdir(parents=True)
    hits: list[str] = []
    handler = type("Handler", (_CountingHandler,), {"requests": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", artifact, hits
    server.shutdown()
    server.server_close()


def test_corrupt_https_download_is_fetched_once_more_then_reported(
    offline_config, maven_repository
):
    url, artifact, hits = maven_repository
    artifact.write_bytes(b"PK\x03\x04 not the real thing")
    offline_config.maven_repository = url

    with pytest.raises(NodeError, match=r"failed its SHA-512 check twice .*removed"):
        node.ensure_distribution(offline_config)

    assert len(hits) == 2
    assert list(offline_config.download_dir.iterdir()) == []


@needs_distribution
def test_https_download_is_verified_and_cached(offline_config, maven_repository):
    url, artifact, hits = maven_repository
    os.link(DISTRIBUTION_ZIP, artifact)
    offline_config.maven_repository = url

    zip_path = node.ensure_distribution(offline_config)
    assert zip_path.is_file()
    assert len(hits) == 1
    # The second call is served from the cache.
    assert node.ensure_distribution(offline_config) == zip_path
    assert len(hits) == 1


# --- Install ------------------------------------------------------------------------------------


@needs_distribution
def test_half_unpacked_install_is_not_reused(offline_config):
    zip_path = seed_cache(offline_config.download_dir)
    paths = node.node_paths(offline_config)
    paths.install_dir.mkdir(parents=True)
    (paths.install_dir / "left-by-a-crash").write_text("")

    install = node.ensure_installed(offline_config, zip_path)

    assert install == paths.install_dir
    assert not (install / "left-by-a-crash").exists()
    assert os.access(install / "bin" / "elasticsearch", os.X_OK)
    assert (install / "lib").is_dir()
    # A second call reuses the finished install.
    marker = install / node.INSTALL_MARKER
    before = marker.stat().st_mtime_ns
    node.ensure_installed(offline_config, zip_path)
    assert marker.stat().st_mtime_ns == before


def test_a_node_run_as_another_user_lives_where_that_user_can_reach_it(tmp_path, reachable_home):
    # Root runs the node as this user; naming it here judges reachability the same way whoever
    # runs the suite. tmp_path is under /tmp/pytest-of-<user> (mode 700): out of its reach.
    user = node.RUN_AS_USER
    assert node.state_dir(NodeConfig(home=tmp_path, run_as_user=user)) == node.ROOT_STATE_DIR
    assert node.state_dir(NodeConfig(home=reachable_home, run_as_user=user)) == reachable_home
    assert node.state_dir(NodeConfig(home=tmp_path, run_as_user=None)) == tmp_path


# --- Processes ----------------------------------------------------------------------------------


def test_stop_with_a_stale_pid_file_leaves_the_unrelated_process_alone(tmp_path):
    config = NodeConfig(home=tmp_path, http_port=free_port(), state_dir=tmp_path / "state")
    paths = node.node_paths(config)
    paths.node_dir.mkdir(parents=True)
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        paths.pid_file.write_text(f"{sleeper.pid}\n")

        message = node.stop(config)

        assert sleeper.poll() is None, "stop killed a process it did not start"
        assert "stale pid file" in message
        assert not paths.pid_file.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def _get(url: str) -> dict:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return json.loads(response.read())


@needs_distribution
def test_start_status_stop_round_trip(reachable_home, settings):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings.SEARCH_NODE_HOME = reachable_home
    settings.ELASTICSEARCH_URL = url
    seed_cache(reachable_home / "downloads")
    config = NodeConfig.from_settings()
    paths = node.node_paths(config)
    assert paths.state_dir == reachable_home
    out = io.StringIO()
    try:
        call_command("search_node", "start", "--timeout", "180", stdout=out)
        started = out.getvalue().strip().splitlines()[-1]
        assert started.startswith(f"Started Elasticsearch {node.ES_VERSION} at {url} (status ")
        assert str(paths.data_dir) in started
        assert str(paths.log_file) in started

        health = _get(f"{url}/_cluster/health")
        assert health["status"] in ("yellow", "green")
        assert health["cluster_name"] == node.CLUSTER_NAME

        out = io.StringIO()
        call_command("search_node", "status", stdout=out)
        assert out.getvalue().startswith(f"Up: Elasticsearch {node.ES_VERSION} at {url}")
        current = node.status(config)
        pid = current.pid
        assert current.up and current.managed and pid and alive(pid)
        assert current.version == node.ES_VERSION

        yml = (paths.config_dir / "elasticsearch.yml").read_text()
        for line in (
            'discovery.type: "single-node"',
            "xpack.security.enabled: false",
            "cluster.routing.allocation.disk.threshold_enabled: false",
            f"http.port: {port}",
        ):
            assert line in yml
        heap = (paths.config_dir / "jvm.options.d" / "heap.options").read_text().split()
        assert heap == ["-Xms1g", "-Xmx1g"]
        if os.geteuid() == 0:
            assert paths.data_dir.stat().st_uid == node._lookup_user(node.RUN_AS_USER).pw_uid

        # Starting again is a no-op.
        again = node.start(config)
        assert again.message.startswith("Already running:") and again.pid == pid

        # Another home pointing at the same port reuses the node and never stops it.
        other = NodeConfig(home=reachable_home / "other", http_port=port)
        assert node.start(other).message.startswith("Reusing the Elasticsearch")
        assert "left alone" in node.stop(other)
        assert alive(pid)

        out = io.StringIO()
        call_command("search_node", "stop", stdout=out)
        assert (
            out.getvalue().strip().splitlines()[-1]
            == f"Stopped Elasticsearch (pid {pid}) on {url}."
        )
        assert not alive(pid)
        assert not paths.pid_file.exists()

        with pytest.raises(CommandError, match=r"^Elasticsearch is not running at "):
            call_command("search_node", "status", stdout=io.StringIO())
        assert "No managed Elasticsearch node" in node.stop(config)
    finally:
        node.stop(config)
