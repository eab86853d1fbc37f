"""The default (portable) binary on CPUs other than this one, emulated by qemu-user: on a CPU without
AVX-512 (qemu's Haswell: AVX2, FMA) it serves exactly the recommendations it serves here, where the 8-bit
scan may take its AVX-512 VNNI kernel; on a CPU older than the build's level it refuses to start with a
message instead of crashing on an illegal instruction."""

import json
import os
import platform
import re
import shutil
import subprocess
import urllib.request

import pytest

MXN = os.environ["MXNTEST_BINARY"]
QEMU = shutil.which("qemu-x86_64")

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64", reason="emulates x86-64 CPUs")


def version(*prefix):
    done = subprocess.run([*prefix, MXN, "--version"], capture_output=True, text=True, timeout=120)
    return done


@pytest.fixture(scope="module")
def portable():
    assert QEMU, "qemu-x86_64 is missing (scripts/setup installs qemu-user)"
    cpu = version().stdout.splitlines()[3]
    if cpu.startswith("cpu native"):
        pytest.skip("built with MXN_NATIVE=ON: for this CPU only")
    return cpu


def test_a_cpu_older_than_the_build_gets_a_message_not_a_crash(portable):
    done = version(QEMU, "-cpu", "core2duo")  # no SSE4.2, which x86-64-v2 and up assume
    assert done.returncode == 1, done.stderr
    assert "this mxn was built for instruction sets this CPU lacks: sse4.2" in done.stderr


def test_version_names_the_kernel_chosen_on_each_cpu(portable):
    assert portable.startswith("cpu x86-64-v")
    here = "avx512vnni" if "avx512_vnni" in open("/proc/cpuinfo").read() else "portable"
    assert portable.endswith(f"8-bit scan: {here} (chosen on this CPU)")
    haswell = version(QEMU, "-cpu", "Haswell")
    assert haswell.returncode == 0, haswell.stderr
    assert haswell.stdout.splitlines()[3].endswith("8-bit scan: portable (chosen on this CPU)")


def serve(env, prefix):
    process = subprocess.Popen([*prefix, MXN, "serve", "--no-scheduler"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    match = re.search(r":(\d+)\s*$", process.stdout.readline())
    assert match, "the server did not start"
    return process, f"http://127.0.0.1:{match.group(1)}"


def recommendations(url, users, models):
    answers = []
    for user in users:
        for model in models:
            body = {"user_id": user, "domain": "movies", "top_k": 10, **({"model_types": [model]} if model else {})}
            request = urllib.request.Request(f"{url}/recommendations", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.load(response)
            answers.append(answer["items"])  # ids, scores, ranks, reasons, contributions
    return answers


def test_a_cpu_without_avx512_serves_the_same_recommendations(portable, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MXN_")}
    env.update(MXN_LOG_LEVEL="warn", MXN_API_PORT="0", MXN_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"),
               MXN_MODELS_STORE_DIR=str(tmp_path / "models"))
    run = lambda *args: subprocess.run([MXN, *args], env=env, check=True, capture_output=True, timeout=600)
    run("seed", "--users", "200", "--items", "500", "--interactions", "20000")
    run("train", "--domain", "movies")
    users = [f"user{i}" for i in range(1, 200, 20)]
    models = ["collab", "knn", "ease", None]  # collab: the 8-bit scan; None: the served blend
    answers = {}
    for cpu, prefix in [("here", []), ("haswell", [QEMU, "-cpu", "Haswell"])]:
        shutil.copy(tmp_path / "w.duckdb", tmp_path / "served.duckdb")  # both start from the same warehouse
        process, url = serve({**env, "MXN_WAREHOUSE_PATH": str(tmp_path / "served.duckdb")}, prefix)
        try:
            answers[cpu] = recommendations(url, users, models)
        finally:
            process.terminate()
            process.wait(timeout=120)
    assert all(len(a) == 10 for a in answers["here"])
    assert answers["haswell"] == answers["here"]
