"""PEP 517 build backend for `pip install .`: builds the _mxn extension with CMake (scripts/setup first, which
only installs what is missing) and packs it with the pure-Python modules and DuckDB's library into a wheel.
Standard library only, so pip needs to fetch nothing."""

from __future__ import annotations

import base64
import hashlib
import os
import pathlib
import subprocess
import sys
import sysconfig
import tomllib
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _metadata() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def get_requires_for_build_wheel(config_settings=None):
    return []


def _build() -> pathlib.Path:
    build = ROOT / "build-python"
    subprocess.run([str(ROOT / "scripts" / "setup")], check=True)
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    f"-DPython3_EXECUTABLE={sys.executable}"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build), "--target", "_mxn", "-j", str(os.cpu_count() or 2)], check=True)
    return build / "python" / "mxn"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    package = _build()
    meta = _metadata()
    name, version = meta["name"], meta["version"]
    abi = sysconfig.get_config_var("SOABI").split("-")[1]  # "311" of "cpython-311-x86_64-linux-gnu"
    tag = f"cp{abi}-cp{abi}-{sysconfig.get_platform().replace('-', '_').replace('.', '_')}"
    files: dict[str, bytes] = {}
    for path in sorted(package.iterdir()):
        if path.suffix in (".py", ".pyi", ".so") or path.name == "py.typed":
            files[f"mxn/{path.name}"] = path.read_bytes()
    files["mxn/libduckdb.so"] = (ROOT / "third_party" / "duckdb" / "libduckdb.so").read_bytes()  # $ORIGIN rpath
    info = f"{name}-{version}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                 f"Summary: {meta['description']}\nRequires-Python: {meta['requires-python']}\n").encode()
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: mxn_build\nRoot-Is-Purelib: false\n"
                              f"Tag: {tag}\n").encode()
    record = []
    for arcname, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arcname},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(pathlib.Path(wheel_directory) / wheel, "w", zipfile.ZIP_DEFLATED) as z:
        for arcname, data in files.items():
            info_ = zipfile.ZipInfo(arcname, date_time=(2026, 1, 1, 0, 0, 0))
            info_.external_attr = (0o755 if arcname.endswith(".so") else 0o644) << 16
            z.writestr(info_, data, zipfile.ZIP_DEFLATED)
    return wheel
