"""`make install` and `make deb` as an admin meets them: the layout installed under a prefix, the Debian
package's contents, control data and scripts, and the installed binary running from a scratch root
(`dpkg -x`): it finds its own DuckDB library, reads the installed config, and serves."""

import json
import os
import re
import subprocess
import urllib.request

import pytest

MXN = os.environ["MXNTEST_BINARY"]
BUILD = os.environ["MXNTEST_BUILD_DIR"]


def run(*args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    out = tmp_path_factory.mktemp("cpack")
    run("cpack", "-G", "DEB", "--config", f"{BUILD}/CPackConfig.cmake", "-B", str(out))
    [package] = out.glob("mxn_*.deb")
    return package


def test_the_package_holds_the_binary_its_library_config_unit_and_readme(deb):
    files = sorted(line.split()[-1] for line in run("dpkg-deb", "-c", str(deb)).splitlines() if line[0] == "-")
    assert files == ["./etc/mxn/config.yaml", "./usr/bin/mxn", "./usr/lib/mxn/libduckdb.so",
                     "./usr/lib/systemd/system/mxn.service", "./usr/share/doc/mxn/README.md"]
    info = run("dpkg-deb", "-I", str(deb))
    depends = re.search(r"^ Depends: (.*)$", info, re.M).group(1)
    for library in ("adduser", "libopenblas", "libgomp1", "libyaml-cpp", "libjemalloc2", "libc6"):
        assert library in depends
    assert "duckdb" not in depends  # its own, in /usr/lib/mxn
    assert run("dpkg-deb", "-f", str(deb), "Version").strip() == version_of(MXN)


def version_of(binary, env=None):
    return run(binary, "--version", env=env).splitlines()[0].split()[1]


def test_its_scripts_make_the_system_user_and_state_folder(deb, tmp_path):
    run("dpkg-deb", "-e", str(deb), str(tmp_path))
    assert (tmp_path / "conffiles").read_text() == "/etc/mxn/config.yaml\n"
    postinst = (tmp_path / "postinst").read_text()
    assert "adduser --system --group --home /var/lib/mxn" in postinst
    assert "install -d -o mxn -g mxn -m 0750 /var/lib/mxn" in postinst
    for script in ("postinst", "prerm", "postrm"):
        run("sh", "-n", str(tmp_path / script))
        assert os.access(tmp_path / script, os.X_OK)


def test_the_unit_runs_the_installed_binary_hardened(deb, tmp_path):
    run("dpkg", "-x", str(deb), str(tmp_path))
    unit = (tmp_path / "usr/lib/systemd/system/mxn.service").read_text()
    assert "ExecStart=/usr/bin/mxn --config /etc/mxn/config.yaml serve" in unit
    for line in ("User=mxn", "ProtectSystem=strict", "ReadWritePaths=/var/lib/mxn", "NoNewPrivileges=yes",
                 "PrivateTmp=yes", "CapabilityBoundingSet=", "SystemCallFilter=@system-service"):
        assert f"\n{line}\n" in unit
    security = run("systemd-analyze", "security", "--offline=true", "--threshold=30", "--no-pager",
                   str(tmp_path / "usr/lib/systemd/system/mxn.service"))
    exposure = float(re.search(r"Overall exposure level for mxn.service: ([\d.]+)", security).group(1))
    assert exposure <= 3.0, security  # systemd's own scale: 0 safest, 10 unprotected; <= 3 is "OK"


def test_the_unpacked_binary_finds_its_own_duckdb_and_serves(deb, tmp_path):
    root = tmp_path / "root"
    run("dpkg", "-x", str(deb), str(root))
    binary = root / "usr/bin/mxn"
    assert "RUNPATH" in run("readelf", "-d", str(binary)) and "[$ORIGIN/../lib/mxn]" in run("readelf", "-d", str(binary))
    duckdb = re.search(r"libduckdb\.so => (\S+)", run("ldd", str(binary))).group(1)
    assert os.path.realpath(duckdb) == str(root / "usr/lib/mxn/libduckdb.so")
    config = (root / "etc/mxn/config.yaml").read_text()
    assert "path: /var/lib/mxn/warehouse.duckdb" in config and "store_dir: /var/lib/mxn/models" in config
    # /var/lib/mxn is the postinst's; here the state goes to a scratch folder through the environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MXN_")}
    env.update(MXN_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"), MXN_MODELS_STORE_DIR=str(tmp_path / "models"),
               MXN_LOG_LEVEL="warn", MXN_API_PORT="0")
    mxn = [str(binary), "--config", str(root / "etc/mxn/config.yaml")]
    assert version_of(str(binary), env) == version_of(MXN)
    run(*mxn, "seed", "--users", "50", "--items", "60", "--interactions", "3000", env=env)
    run(*mxn, "train", "--domain", "movies", env=env)
    process = subprocess.Popen([*mxn, "serve", "--no-scheduler"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        url = re.search(r"(http://\S+:\d+)\s*$", process.stdout.readline()).group(1)
        with urllib.request.urlopen(f"{url}/health", timeout=30) as response:
            assert json.load(response)["status"] == "ok"
        request = urllib.request.Request(f"{url}/recommendations", headers={"Content-Type": "application/json"},
                                         data=b'{"user_id": "user1", "domain": "movies", "top_k": 5}')
        with urllib.request.urlopen(request, timeout=30) as response:
            assert len(json.load(response)["items"]) == 5
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0


def test_make_install_lays_out_a_prefix(tmp_path):
    prefix = tmp_path / "prefix"
    run("cmake", "--install", BUILD, "--prefix", str(prefix))
    assert (prefix / "lib/mxn/libduckdb.so").exists()
    config = (prefix / "etc/mxn/config.yaml").read_text()
    assert f"path: {prefix}/var/lib/mxn/warehouse.duckdb" in config
    unit = (prefix / "lib/systemd/system/mxn.service").read_text()
    assert f"ExecStart={prefix}/bin/mxn --config {prefix}/etc/mxn/config.yaml serve" in unit
    assert version_of(str(prefix / "bin/mxn")) == version_of(MXN)
    # Installing again keeps an edited config.
    (prefix / "etc/mxn/config.yaml").write_text(config + "# edited\n")
    run("cmake", "--install", BUILD, "--prefix", str(prefix))
    assert (prefix / "etc/mxn/config.yaml").read_text().endswith("# edited\n")
