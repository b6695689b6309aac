"""A local single-node Elasticsearch for development and tests, managed by `manage.py search_node`.

Production points ELASTICSEARCH_URL at a real cluster and never uses this module. On a developer's
machine (and in CI) `start` downloads the pinned `integ-test-zip` distribution once, verifies its
SHA-512, unpacks it and runs one node on the loopback port named by ELASTICSEARCH_URL.

Nothing here needs Django settings except `NodeConfig.from_settings()`, so the functions can be
called and tested with a hand-built `NodeConfig`.

Where things live
-----------------
``<SEARCH_NODE_HOME>/downloads/elasticsearch-<version>.zip``
    The verified download. Later starts need no network. A copy in the local Maven repository
    (``~/.m2/repository``) is reused before anything is fetched.
``<state>/elasticsearch-<version>/``
    The unpacked distribution, shared by every node of that version and never written to by
    Elasticsearch. It is unpacked into a temporary directory and renamed into place with a marker
    file, so a directory half-unpacked by a crash is never reused.
``<state>/search-node-<port>/``
    One node: ``config/`` (its ES_PATH_CONF, rewritten on every start), ``data/``, ``logs/``
    (``foreign-work-portal.log`` is the main log, ``console.log`` the launcher's output) and
    ``elasticsearch.pid``. One directory per HTTP port, so nodes on different ports coexist; the
    transport port is chosen by the kernel (``transport.port: 0``) for the same reason.

``<state>`` is SEARCH_NODE_HOME for a normal user. Elasticsearch refuses to run as root, so when
the command runs as root it creates the system user ``portal-search`` and runs the node as that
user. That user must be able to reach the install and own the node directory, but the default
SEARCH_NODE_HOME lies under ``/root`` (mode 700). So when root, ``<state>`` is SEARCH_NODE_HOME
only if every existing directory above it is traversable by ``portal-search``; otherwise it is
``/var/lib/foreign-work-portal``. The download cache stays under SEARCH_NODE_HOME either way
(only root reads it). The node directory is owned by ``portal-search``; the install by root,
world-readable. `status` and `start` print the data directory and log file, so the choice is
always visible.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ES_VERSION = "8.19.21"
ES_SHA512 = (
    "cf6b0a93860d329937ae7f913ec5073b0c726c77639764b93fc83a304aa1dd9d"
    "4defcfa2849948eea3b0b47c2065f994908603939fc2a4774c9c4d868c5ec1dd"
)
ES_GROUP_PATH = "org/elasticsearch/distribution/integ-test-zip/elasticsearch"
ES_ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
DEFAULT_MAVEN_REPOSITORY = "https://repo1.maven.org/maven2"
DEFAULT_HTTP_PORT = 9200
CLUSTER_NAME = "foreign-work-portal"
RUN_AS_USER = "portal-search"
ROOT_STATE_DIR = Path("/var/lib/foreign-work-portal")
JVM_DIR = Path("/usr/lib/jvm")
MIN_JAVA = 17
PREFERRED_JAVA = (17, 21)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
INSTALL_MARKER = ".portal-installed"
NO_JAVA = (
    "Java 17 or later was not found; install it (apt-get install openjdk-17-jre-headless) "
    "or set ES_JAVA_HOME to its home."
)

Log = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


class NodeError(Exception):
    """A problem the user can fix; the message is one sentence saying what and how."""


def _default_run_as_user() -> str | None:
    return RUN_AS_USER if os.geteuid() == 0 else None


@dataclass
class NodeConfig:
    """Everything the functions below need; `from_settings()` builds it from Django settings."""

    home: Path
    download_dir: Path | None = None  # default: <home>/downloads
    version: str = ES_VERSION
    sha512: str = ES_SHA512
    http_port: int = DEFAULT_HTTP_PORT
    host: str = "127.0.0.1"
    java_home: Path | None = None  # ES_JAVA_HOME: when set, this Java and no other
    maven_repository: str = DEFAULT_MAVEN_REPOSITORY
    run_as_user: str | None = field(default_factory=_default_run_as_user)
    # The local Maven repository whose copy of the zip is reused before any network.
    m2_repository: Path = field(default_factory=lambda: Path.home() / ".m2" / "repository")
    # Where the install and node directories go; default: see the module docstring.
    state_dir: Path | None = None
    # ELASTICSEARCH_URL as given (only used to describe or probe a non-loopback cluster).
    url: str | None = None

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        if self.download_dir is None:
            self.download_dir = self.home / "downloads"
        self.download_dir = Path(self.download_dir)
        if self.java_home is not None:
            self.java_home = Path(self.java_home)
        if self.url is None:
            self.url = f"http://{_url_host(self.host)}:{self.http_port}"

    @classmethod
    def from_settings(cls) -> NodeConfig:
        """Read ELASTICSEARCH_URL and SEARCH_NODE_HOME from settings, and two optional env vars:
        SEARCH_NODE_MAVEN_REPOSITORY and ES_JAVA_HOME."""
        from django.conf import settings

        from portal.env import env

        url = settings.ELASTICSEARCH_URL
        parts = urlsplit(url)
        java_home = env.str("ES_JAVA_HOME", default="")
        return cls(
            home=Path(settings.SEARCH_NODE_HOME).expanduser(),
            http_port=parts.port or DEFAULT_HTTP_PORT,
            host=parts.hostname or "127.0.0.1",
            java_home=Path(java_home).expanduser() if java_home else None,
            maven_repository=env.str(
                "SEARCH_NODE_MAVEN_REPOSITORY", default=DEFAULT_MAVEN_REPOSITORY
            ),
            url=url,
        )

    @property
    def is_loopback(self) -> bool:
        return self.host.lower() in LOOPBACK_HOSTS

    @property
    def local_url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.http_port}"

    @property
    def zip_name(self) -> str:
        return f"elasticsearch-{self.version}.zip"

    @property
    def download_url(self) -> str:
        base = self.maven_repository.rstrip("/")
        return f"{base}/{ES_GROUP_PATH}/{self.version}/{self.zip_name}"


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# --------------------------------------------------------------------------------------------
# Paths


@dataclass(frozen=True)
class NodePaths:
    state_dir: Path
    install_dir: Path
    node_dir: Path
    config_dir: Path
    data_dir: Path
    logs_dir: Path
    log_file: Path
    console_log: Path
    pid_file: Path


def node_paths(config: NodeConfig) -> NodePaths:
    state = state_dir(config)
    node = state / f"search-node-{config.http_port}"
    logs = node / "logs"
    return NodePaths(
        state_dir=state,
        install_dir=state / f"elasticsearch-{config.version}",
        node_dir=node,
        config_dir=node / "config",
        data_dir=node / "data",
        logs_dir=logs,
        log_file=logs / f"{CLUSTER_NAME}.log",
        console_log=logs / "console.log",
        pid_file=node / "elasticsearch.pid",
    )


def state_dir(config: NodeConfig) -> Path:
    """Where the install and node directories live (see the module docstring)."""
    if config.state_dir is not None:
        return Path(config.state_dir)
    user = _lookup_user(config.run_as_user)
    if user is None or user.pw_uid == os.geteuid():
        return config.home
    if _traversable_by(config.home, user):
        return config.home
    return ROOT_STATE_DIR


def _lookup_user(name: str | None) -> pwd.struct_passwd | None:
    if not name:
        return None
    try:
        return pwd.getpwnam(name)
    except KeyError:
        # Not created yet: judge reachability as an unprivileged user with no groups would.
        return pwd.struct_passwd((name, "x", -1, -1, "", "/nonexistent", "/usr/sbin/nologin"))


def _traversable_by(path: Path, user: pwd.struct_passwd) -> bool:
    """Whether `user` can traverse every existing directory from / down to `path`."""
    groups = set()
    if user.pw_uid >= 0:
        groups = set(os.getgrouplist(user.pw_name, user.pw_gid))
    path = Path(os.path.abspath(path))
    for directory in [*reversed(path.parents), path]:
        try:
            st = directory.stat()
        except FileNotFoundError:
            break  # we create the rest, mode 755
        if st.st_uid == user.pw_uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            return False
    return True


def _makedirs(path: Path, mode: int = 0o755) -> None:
    """mkdir -p with an explicit mode for the directories created (whatever the umask)."""
    missing = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir()
        os.chmod(directory, mode)


# --------------------------------------------------------------------------------------------
# Java


@dataclass(frozen=True)
class JavaInstall:
    home: Path
    version: int


def java_version(java: Path) -> int | None:
    """The major version `java -version` reports, or None if it is not a working java."""
    if not (java.is_file() and os.access(java, os.X_OK)):
        return None
    try:
        result = subprocess.run(  # noqa: S603 - a java binary we located, fixed arguments
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if result.returncode != 0 or not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_392"
        major = int(match.group(2))
    return major


def find_java(config: NodeConfig) -> JavaInstall:
    """ES_JAVA_HOME (exclusively, when set), else JAVA_HOME, /usr/lib/jvm/*, `java` on PATH."""
    if config.java_home is not None:
        version = java_version(config.java_home / "bin" / "java")
        if version is None or version < MIN_JAVA:
            found = f"it has Java {version}" if version else "it has no working bin/java"
            raise NodeError(
                f"Java {MIN_JAVA} or later was not found at ES_JAVA_HOME={config.java_home} "
                f"({found}); install it (apt-get install openjdk-17-jre-headless) or set "
                "ES_JAVA_HOME to its home."
            )
        return JavaInstall(config.java_home, version)

    seen: set[Path] = set()
    found: list[JavaInstall] = []

    def consider(home: Path) -> None:
        try:
            real = home.resolve()
        except OSError:
            return
        if real in seen:
            return
        seen.add(real)
        version = java_version(home / "bin" / "java")
        if version is not None and version >= MIN_JAVA:
            found.append(JavaInstall(home, version))

    if os.environ.get("JAVA_HOME"):
        consider(Path(os.environ["JAVA_HOME"]))
        if found:
            return found[0]  # the user's explicit choice
    if JVM_DIR.is_dir():
        for home in sorted(JVM_DIR.iterdir()):
            if home.is_dir():
                consider(home)
    on_path = shutil.which("java")
    if on_path:
        consider(Path(os.path.realpath(on_path)).parent.parent)
    for java in found:
        if java.version in PREFERRED_JAVA:
            return java
    if found:
        return found[0]
    raise NodeError(NO_JAVA)


# --------------------------------------------------------------------------------------------
# Download


def _sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _install_verified(source: Path, target: Path, sha512: str) -> bool:
    """Copy `source` to `target` via a .part file if its SHA-512 matches; False otherwise."""
    part = target.with_name(target.name + ".part")
    try:
        shutil.copyfile(source, part)
        if _sha512(part) != sha512:
            return False
        os.replace(part, target)
        return True
    finally:
        part.unlink(missing_ok=True)


def ensure_distribution(config: NodeConfig, log: Log = _quiet) -> Path:
    """Return the verified zip in the download cache, fetching it if needed.

    Order: the cache itself, the local Maven repository, `mvn dependency:copy` (when mvn is on
    PATH), then plain HTTPS from the Maven repository URL. Every copy is verified against the
    pinned SHA-512 before it is renamed into the cache; a bad cached file is removed.
    """
    target = config.download_dir / config.zip_name
    removed = False
    if target.is_file():
        if _sha512(target) == config.sha512:
            return target
        target.unlink()
        removed = True
        log(f"Removed {target}: it failed its SHA-512 check (corrupt or partial download).")
    _makedirs(config.download_dir)

    m2_copy = config.m2_repository / ES_GROUP_PATH / config.version / config.zip_name
    if m2_copy.is_file():
        if _install_verified(m2_copy, target, config.sha512):
            log(f"Copied the distribution from {m2_copy}.")
            return target
        log(f"Ignored {m2_copy}: it failed its SHA-512 check.")

    mvn = shutil.which("mvn")
    mvn_failed = False
    if mvn:
        log(f"Fetching Elasticsearch {config.version} with Maven...")
        if _fetch_with_maven(mvn, config, target):
            return target
        mvn_failed = True
        log("Maven could not fetch it; trying HTTPS.")

    url = config.download_url
    also = " (Maven could not fetch it either)" if mvn_failed else ""
    for attempt in (1, 2):
        log(f"Downloading {url}...")
        try:
            ok = _fetch_with_https(url, target, config.sha512)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            if removed:
                message = (
                    f"The cached download {target} failed its SHA-512 check and was removed, "
                    f"and {url} could not be fetched ({reason}){also}; check the network or "
                    f"SEARCH_NODE_MAVEN_REPOSITORY, or place a verified copy by hand at {target} "
                    "and run again."
                )
            else:
                message = (
                    f"Could not download {url} ({reason}){also}; check the network or "
                    f"SEARCH_NODE_MAVEN_REPOSITORY, or place the file by hand at {target}."
                )
            raise NodeError(message) from exc
        if ok:
            return target
        log(f"The download from {url} failed its SHA-512 check (attempt {attempt} of 2).")
    raise NodeError(
        f"The download from {url} failed its SHA-512 check twice (corrupt or partial; removed); "
        f"run the command again, or place a verified copy by hand at {target}."
    )


def _fetch_with_maven(mvn: str, config: NodeConfig, target: Path) -> bool:
    with tempfile.TemporaryDirectory(prefix=".mvn-", dir=config.download_dir) as tmp:
        command = [
            mvn,
            "-B",
            "-q",
            "dependency:copy",
            f"-Dartifact={ES_ARTIFACT.format(version=config.version)}",
            f"-DoutputDirectory={tmp}",
        ]
        try:
            result = subprocess.run(  # noqa: S603 - mvn from PATH, fixed arguments
                command, capture_output=True, text=True, timeout=1800, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return False
        fetched = Path(tmp) / config.zip_name
        if result.returncode != 0 or not fetched.is_file():
            return False
        return _install_verified(fetched, target, config.sha512)


def _fetch_with_https(url: str, target: Path, sha512: str) -> bool:
    part = target.with_name(target.name + ".part")
    digest = hashlib.sha512()
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(part, "wb") as out:  # noqa: S310
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha512:
            return False
        os.replace(part, target)
        return True
    finally:
        part.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Install


def ensure_installed(config: NodeConfig, zip_path: Path, log: Log = _quiet) -> Path:
    """Unpack the verified zip into `<state>/elasticsearch-<version>` once; return that dir."""
    paths = node_paths(config)
    install = paths.install_dir
    marker = install / INSTALL_MARKER
    if marker.is_file() and marker.read_text().strip() == config.sha512:
        return install
    _makedirs(paths.state_dir)
    if install.exists():
        log(f"Removing the incomplete install at {install}.")
        shutil.rmtree(install)
    for leftover in paths.state_dir.glob(f".{install.name}.unpack-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    log(f"Unpacking Elasticsearch {config.version} into {install}...")
    top = f"elasticsearch-{config.version}/"
    tmp = Path(tempfile.mkdtemp(prefix=f".{install.name}.unpack-", dir=paths.state_dir))
    try:
        try:
            with zipfile.ZipFile(zip_path) as archive:
                members = archive.infolist()
                bad = [m.filename for m in members if not m.filename.startswith(top)]
                if bad or ".." in "".join(m.filename for m in members):
                    raise NodeError(
                        f"The archive {zip_path} does not have the expected layout; delete it "
                        "and run the command again."
                    )
                archive.extractall(tmp)
                for member in members:
                    _fix_mode(tmp / member.filename, member)
        except zipfile.BadZipFile as exc:
            raise NodeError(
                f"The archive {zip_path} cannot be unpacked ({exc}); delete it and run the "
                "command again."
            ) from exc
        unpacked = tmp / top
        os.chmod(unpacked, 0o755)  # noqa: S103 - the node's user must read the install
        (unpacked / INSTALL_MARKER).write_text(config.sha512 + "\n")
        os.replace(unpacked, install)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return install


def _fix_mode(path: Path, member: zipfile.ZipInfo) -> None:
    """Apply the archive's mode, made world-readable and never group/world-writable."""
    if member.is_dir():
        os.chmod(path, 0o755)  # noqa: S103 - the node's user must read the install
        return
    mode = (member.external_attr >> 16) & 0o777 or 0o644
    mode = (mode | 0o444) & ~0o022
    if mode & 0o100:
        mode |= 0o111
    os.chmod(path, mode)


# --------------------------------------------------------------------------------------------
# Node configuration


def _ensure_run_user(config: NodeConfig) -> pwd.struct_passwd | None:
    """The user to run as (created when missing), or None to run as ourselves."""
    if not config.run_as_user:
        return None
    try:
        user = pwd.getpwnam(config.run_as_user)
    except KeyError:
        user = None
    if user is not None:
        return None if user.pw_uid == os.geteuid() else user
    if os.geteuid() != 0:
        raise NodeError(
            f"The user {config.run_as_user} does not exist and only root can create it; run the "
            "command as that user or as root."
        )
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    command = [
        useradd,
        "--system",
        "--user-group",
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        config.run_as_user,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as exc:
        raise NodeError(
            f"Could not create the system user {config.run_as_user} ({exc}); create it by hand "
            f"(useradd --system {config.run_as_user}) and run again."
        ) from exc
    try:
        return pwd.getpwnam(config.run_as_user)
    except KeyError:
        detail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise NodeError(
            f"Could not create the system user {config.run_as_user} ({detail[0]}); create it by "
            f"hand (useradd --system {config.run_as_user}) and run again."
        ) from None


def _bind_host(host: str) -> str:
    return "::1" if host == "::1" else "127.0.0.1"


def elasticsearch_yml(config: NodeConfig, paths: NodePaths) -> str:
    values = {
        "cluster.name": CLUSTER_NAME,
        "node.name": f"portal-search-{config.http_port}",
        "discovery.type": "single-node",
        "network.host": _bind_host(config.host),
        "http.port": config.http_port,
        # The kernel picks a free transport port, so nodes on different HTTP ports coexist.
        "transport.port": 0,
        "path.data": str(paths.data_dir),
        "path.logs": str(paths.logs_dir),
        "xpack.security.enabled": False,
        # A nearly full developer disk must not make indices read-only.
        "cluster.routing.allocation.disk.threshold_enabled": False,
    }
    lines = ["# Written by `manage.py search_node start` on every start; edits are lost."]
    lines += [f"{key}: {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _write_node_config(
    config: NodeConfig, paths: NodePaths, user: pwd.struct_passwd | None
) -> None:
    for directory in (paths.node_dir, paths.config_dir, paths.data_dir, paths.logs_dir):
        _makedirs(directory, 0o750 if user else 0o755)
    options_dir = paths.config_dir / "jvm.options.d"
    _makedirs(options_dir)
    source = paths.install_dir / "config"
    for item in source.iterdir():
        if item.is_file() and item.name != "elasticsearch.yml":
            text = item.read_text()
            if item.name == "jvm.options":
                text = _relocate_jvm_files(text, paths.logs_dir)
            (paths.config_dir / item.name).write_text(text)
    (paths.config_dir / "elasticsearch.yml").write_text(elasticsearch_yml(config, paths))
    (options_dir / "heap.options").write_text("-Xms1g\n-Xmx1g\n")
    # Marks the JVM as this node's, so `stop` never signals a process it did not start.
    (options_dir / "portal.options").write_text(f"{_node_marker(paths)}\n")
    paths.console_log.touch()
    if user is not None:
        for directory in (paths.node_dir, paths.data_dir, paths.logs_dir):
            os.chown(directory, user.pw_uid, user.pw_gid)
        for root, dirs, files in os.walk(paths.config_dir):
            for name in [*dirs, *files, "."]:
                os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)
        os.chown(paths.console_log, user.pw_uid, user.pw_gid)


def _relocate_jvm_files(text: str, logs: Path) -> str:
    """The stock jvm.options writes gc.log and hs_err files relative to the install directory,
    which the node's user cannot write and nodes would share; move them into the node's logs."""
    text = re.sub(r"(-Xlog:\S*?:file=)(?!/)([^:\s]+)", lambda m: f"{m[1]}{logs}/{m[2]}", text)
    text = re.sub(r"(-XX:ErrorFile=)(?!/)(\S+)", lambda m: f"{m[1]}{logs}/{m[2]}", text)
    if "HeapDumpPath" not in text:
        text += f"\n-XX:HeapDumpPath={logs}\n"
    return text


# --------------------------------------------------------------------------------------------
# HTTP and processes

_LOCAL_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(base: str, path: str, timeout: float = 3.0) -> dict | None:
    try:
        with _LOCAL_OPENER.open(base.rstrip("/") + path, timeout=timeout) as response:
            data = json.loads(response.read(1 << 20))
    except (OSError, ValueError, http.client.HTTPException):
        return None
    return data if isinstance(data, dict) else None


def _health(base: str, timeout: float = 3.0) -> dict | None:
    data = _get_json(base, "/_cluster/health", timeout)
    if data and "status" in data and "cluster_name" in data:
        return data
    return None


def _version(base: str) -> str | None:
    data = _get_json(base, "/_nodes/_local")
    for node in ((data or {}).get("nodes") or {}).values():
        return node.get("version")
    return None


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _read_pid(paths: NodePaths) -> int | None:
    try:
        return int(paths.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] not in ("Z", "X")


def _node_marker(paths: NodePaths) -> str:
    return f"-Dportal.search_node.dir={paths.node_dir}"


def _is_our_node(pid: int, paths: NodePaths) -> bool:
    """Whether `pid` is an Elasticsearch JVM started for this node directory (by its marker)."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False
    is_java = any(Path(a).name == "java" for a in args[:1])
    is_server = any("org.elasticsearch.bootstrap.Elasticsearch" in a for a in args)
    is_this_node = _node_marker(paths) in args
    return is_java and is_server and is_this_node and _alive(pid)


def _our_pid(paths: NodePaths) -> int | None:
    pid = _read_pid(paths)
    if pid is not None and _is_our_node(pid, paths):
        return pid
    return None


def _last_error(paths: NodePaths) -> str | None:
    """The last meaningful ERROR line in the node's log (or the launcher's output), with the
    exception message that follows it."""
    for log_file, pattern in (
        (paths.log_file, r"\]\[(?:ERROR|FATAL)\s*\]"),
        (paths.console_log, r"(?:^ERROR|\]\[(?:ERROR|FATAL)\s*\])"),
    ):
        try:
            lines = log_file.read_text(errors="replace").splitlines()[-2000:]
        except OSError:
            continue
        for index in range(len(lines) - 1, -1, -1):
            line = lines[index]
            if not re.search(pattern, line) or "did not exit normally" in line:
                continue
            # Drop the "[timestamp][ERROR][logger] [node] " prefix.
            message = re.sub(r"^(\[[^\]]*\]\s*)+", "", line).strip()
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if re.match(r"^[\w.$]+(Exception|Error)\b", following):
                message = f"{message}: {following.strip()}"
            if message:
                return message[:300]
    return None


# --------------------------------------------------------------------------------------------
# Public actions


@dataclass
class NodeStatus:
    url: str
    up: bool
    message: str
    managed: bool = False
    health: str | None = None
    version: str | None = None
    pid: int | None = None
    data_dir: Path | None = None
    log_file: Path | None = None


def _describe(
    config: NodeConfig, paths: NodePaths, pid: int, health: dict, lead: str
) -> NodeStatus:
    version = _version(config.local_url)
    return NodeStatus(
        url=config.local_url,
        up=True,
        managed=True,
        health=health["status"],
        version=version,
        pid=pid,
        data_dir=paths.data_dir,
        log_file=paths.log_file,
        message=(
            f"{lead} Elasticsearch {version or '(unknown version)'} at {config.local_url} "
            f"(status {health['status']}, pid {pid}, data {paths.data_dir}, log {paths.log_file})."
        ),
    )


def _not_needed(config: NodeConfig) -> NodeStatus:
    return NodeStatus(
        url=config.url,
        up=True,
        message=(
            "The managed search node is not needed: ELASTICSEARCH_URL points at another cluster "
            f"({_redact(config.url)})."
        ),
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _reusing(config: NodeConfig, health: dict) -> NodeStatus:
    version = _version(config.local_url)
    return NodeStatus(
        url=config.local_url,
        up=True,
        health=health["status"],
        version=version,
        message=(
            f"Reusing the Elasticsearch {version or ''} node already answering at "
            f"{config.local_url} (cluster {health['cluster_name']}, status {health['status']}); "
            "it was not started by this command.".replace("  ", " ")
        ),
    )


def _port_taken(config: NodeConfig) -> NodeError:
    suggestion = config.http_port + 1 if config.http_port < 65535 else 9201
    return NodeError(
        f"Port {config.http_port} on {config.host} is already in use by another program; stop it "
        f"or set ELASTICSEARCH_URL to another port (for example "
        f"http://{_url_host(config.host)}:{suggestion})."
    )


def start(config: NodeConfig, timeout: float = 120.0, log: Log = _quiet) -> NodeStatus:
    """Start the node (idempotent) and wait until `/_cluster/health` is yellow or green.

    Two starts at once (`make run` beside `make test`, two checkouts on one machine) take turns
    on a lock file beside the node directory: the second finds the first's node running and
    reuses it, instead of both launching into the same directory."""
    if not config.is_loopback:
        return _not_needed(config)
    paths = node_paths(config)
    _makedirs(paths.node_dir.parent)
    lock_path = paths.node_dir.parent / f"{paths.node_dir.name}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _start_locked(config, paths, timeout, log)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _start_locked(config: NodeConfig, paths: NodePaths, timeout: float, log: Log) -> NodeStatus:
    deadline = time.monotonic() + timeout

    pid = _our_pid(paths)
    if pid is not None:
        health = _wait_healthy(config, paths, None, deadline, timeout)
        return _describe(config, paths, pid, health, "Already running:")
    paths.pid_file.unlink(missing_ok=True)  # stale, if any

    if _port_open(config.host, config.http_port):
        health = _health(config.local_url)
        if health is not None:
            return _reusing(config, health)
        raise _port_taken(config)

    java = find_java(config)
    zip_path = ensure_distribution(config, log)
    user = _ensure_run_user(config)
    ensure_installed(config, zip_path, log)
    _write_node_config(config, paths, user)

    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "ES_HOME")}
    env["ES_JAVA_HOME"] = str(java.home)
    env["ES_PATH_CONF"] = str(paths.config_dir)
    extra: dict = {}
    if user is not None:
        env.update(HOME=str(paths.node_dir), USER=user.pw_name, LOGNAME=user.pw_name)
        extra = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    log(
        f"Starting Elasticsearch {config.version} on {config.local_url} with Java "
        f"{java.version} ({java.home})" + (f" as user {user.pw_name}" if user else "") + "..."
    )
    with open(paths.console_log, "ab") as console:
        console.write(f"\n--- search_node start {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        console.flush()
        process = subprocess.Popen(  # noqa: S603
            [
                str(paths.install_dir / "bin" / "elasticsearch"),
                "-d",
                "-p",
                str(paths.pid_file),
            ],
            cwd=paths.node_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **extra,
        )
    try:
        health = _wait_healthy(config, paths, process, deadline, timeout)
    except BaseException:
        _kill_startup(process, paths)
        raise
    # The launcher exits once the daemonized node reports ready; reap it.
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    pid = _our_pid(paths)
    return _describe(config, paths, pid, health, "Started")


def _wait_healthy(
    config: NodeConfig,
    paths: NodePaths,
    process: subprocess.Popen | None,
    deadline: float,
    timeout: float,
) -> dict:
    while True:
        health = _health(config.local_url, timeout=2)
        if health is not None and health["status"] in ("yellow", "green"):
            return health
        launcher_done = process is None or process.poll() is not None
        if process is not None and process.returncode not in (None, 0):
            raise _startup_failed(paths)
        if launcher_done and _our_pid(paths) is None:
            raise _startup_failed(paths)
        if time.monotonic() >= deadline:
            raise NodeError(
                f"Elasticsearch did not become healthy at {config.local_url} within "
                f"{timeout:g} s{' and was stopped' if process else ''}; see {paths.log_file}, "
                f"or retry with a longer --timeout."
            )
        time.sleep(0.5)


def _startup_failed(paths: NodePaths) -> NodeError:
    error = _last_error(paths)
    detail = f" ({error})" if error else ""
    log_file = paths.log_file if paths.log_file.exists() else paths.console_log
    return NodeError(f"Elasticsearch stopped while starting{detail}; see {log_file}.")


def _kill_startup(process: subprocess.Popen, paths: NodePaths) -> None:
    pid = _our_pid(paths)
    if pid is not None:
        _terminate(pid, grace=10)
    if process.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    paths.pid_file.unlink(missing_ok=True)


def _terminate(pid: int, grace: float) -> bool:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL; True when the process is gone."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        end = time.monotonic() + wait
        while time.monotonic() < end:
            if not _alive(pid):
                return True
            time.sleep(0.2)
    return not _alive(pid)


def stop(config: NodeConfig, timeout: float = 30.0, log: Log = _quiet) -> str:
    """Stop the node this command started (and nothing else); return what happened."""
    if not config.is_loopback:
        return _not_needed(config).message
    paths = node_paths(config)
    pid = _read_pid(paths)
    if pid is None:
        message = f"No managed Elasticsearch node is running on {config.local_url}"
        if _health(config.local_url) is not None:
            message += " (the node answering there was not started by this command; left alone)"
        return message + "."
    if not _is_our_node(pid, paths):
        paths.pid_file.unlink(missing_ok=True)
        return (
            f"The managed Elasticsearch node on {config.local_url} was not running; removed the "
            f"stale pid file (pid {pid} is not that node, so it was left alone)."
        )
    log(f"Stopping Elasticsearch (pid {pid})...")
    if not _terminate(pid, grace=timeout):
        raise NodeError(
            f"Elasticsearch (pid {pid}) did not exit after SIGTERM and SIGKILL; check it with "
            f"`ps -p {pid}` and stop it by hand."
        )
    paths.pid_file.unlink(missing_ok=True)
    return f"Stopped Elasticsearch (pid {pid}) on {config.local_url}."


def status(config: NodeConfig) -> NodeStatus:
    """Whether search is up at the configured URL; `up` is False when it is not."""
    if not config.is_loopback:
        return _remote_status(config)
    paths = node_paths(config)
    pid = _our_pid(paths)
    health = _health(config.local_url)
    if health is not None and health["status"] in ("yellow", "green"):
        if pid is not None:
            return _describe(config, paths, pid, health, "Up:")
        reusing = _reusing(config, health)
        reusing.message = (
            f"Up: Elasticsearch {reusing.version or ''} at {config.local_url} (status "
            f"{health['status']}), not started by this command.".replace("  ", " ")
        )
        return reusing
    down = NodeStatus(url=config.local_url, up=False, message="", pid=pid, log_file=paths.log_file)
    if health is not None:
        down.health = health["status"]
        down.message = (
            f"Elasticsearch at {config.local_url} answers but its status is {health['status']}; "
            f"see {paths.log_file}."
        )
    elif pid is not None:
        down.message = (
            f"Elasticsearch (pid {pid}) is running but does not answer at {config.local_url}; "
            f"wait for it to finish starting or see {paths.log_file}."
        )
    else:
        down.message = (
            f"Elasticsearch is not running at {config.local_url}; start it with "
            "`manage.py search_node start`."
        )
    return down


def _remote_status(config: NodeConfig) -> NodeStatus:
    parts = urlsplit(config.url)
    netloc = parts.hostname or ""
    netloc = _url_host(netloc) + (f":{parts.port}" if parts.port else "")
    base = f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"
    request = urllib.request.Request(base + "/_cluster/health")  # noqa: S310
    if parts.username:
        token = base64.b64encode(f"{parts.username}:{parts.password or ''}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            health = json.loads(response.read(1 << 20))
        state = health["status"]
    except (OSError, ValueError, KeyError, TypeError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        return NodeStatus(
            url=config.url,
            up=False,
            message=(
                f"The cluster at ELASTICSEARCH_URL ({_redact(config.url)}) does not answer "
                f"({reason}); it is not managed by this command."
            ),
        )
    return NodeStatus(
        url=config.url,
        up=state in ("yellow", "green"),
        health=state,
        message=(
            f"The cluster at ELASTICSEARCH_URL ({_redact(config.url)}) answers with status "
            f"{state}; it is not managed by this command."
        ),
    )
