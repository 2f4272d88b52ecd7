"""Planted secrets (by shape, most without any key= name) in every evidence kind and the target's
architecture text never leave the process: reports, logs, a --record folder of a Claude run against the
fake Messages API, the requests the model received, and the crash file."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.redaction import redact
from tests.fakes.judging_model import judge
from tests.fakes.messages_api import FakeMessagesAPI

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recorded"

CANARIES = {
    "architecture": "sk_live_51CanaryArchitectureQ8w",
    "metrics": "ghp_CanaryMetrics0123456789abcdefXYZ",
    "workload": "AKIACANARYWORKLOAD00",
    "ddl": "xoxb-424242-CanaryDdlSlackToken",
    "traces": "eyJhbGciOiJIUzI1NiJ9.eyJjYW5hcnkiOiJ0cmFjZXMifQ.CanaryTraceSig",
    "load_tests": "CanaryK6Passw0rd",
    "dockerfile": "sk_live_CanaryDockerfile0123456789",
    "inventory": "glpat-CanaryInventory0123456789ab",
    "entropy": "Zq8Kv2LmN4pR7sT1vW3yB6cD9fGhCanary",
    "access_logs": "SKcafe0123456789abcdef0123456789ab",  # a Twilio key: only detect-secrets knows it
    "kubernetes": "Qm9Wx7Rt2Yp5Lk8Jh3Gf6Ds1Az4CanaryK8s",  # quoted, high entropy, no secret name
    "plans": "pypi-AgEIcHlwaS5vcmc" + "Canary0Plans1" * 6,
    "load_test_series": "xoxp-1234567890-0987654321-CanarySeriesToken",
    "environment": "ghp_CanaryEnvironment0123456789abcdefXY",
    "environment_dsn": "CanaryEnvDsnPassw0rd",
}
ENVIRONMENT = {
    "GITHUB_TOKEN": CANARIES["environment"],
    "DATABASE_URL": f"postgresql://app:{CANARIES['environment_dsn']}@db.internal/shop",
}
"""Secrets in the process environment: nothing perfpilot writes may carry them."""
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def plant(folder: Path) -> None:
    """A copy of examples/recorded with one canary in each evidence file and in the architecture."""
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("model", "*.py", "README.md"))
    target = folder / "target.yaml"
    target.write_text(
        target.read_text().replace(
            "architecture: >-\n",
            f"architecture: >-\n  Payments are signed with {CANARIES['architecture']} today.\n",
        )
    )
    with (folder / "metrics.prom").open("a") as prom:
        prom.write(f'# HELP build_info Build.\nbuild_info{{note="{CANARIES["metrics"]}"}} 1\n')
    with (folder / "postgresql.log").open("a") as log:
        log.write(
            "2024-11-28 14:10:00.000 UTC [23003] checkout@shop LOG:  duration: 9.1 ms  statement: "
            f"SELECT * FROM orders WHERE note = '{CANARIES['workload']}'\n"
        )
    with (folder / "schema.sql").open("a") as ddl:
        ddl.write(f"COMMENT ON TABLE orders IS 'rotated {CANARIES['ddl']}';\n")
    traces = json.loads((folder / "traces.json").read_text())
    span = traces["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    span.setdefault("attributes", []).append(
        {"key": "http.request.header.x_forwarded", "value": {"stringValue": f"Bearer {CANARIES['traces']}"}}
    )
    (folder / "traces.json").write_text(json.dumps(traces))
    k6 = json.loads((folder / "k6-summary.json").read_text())
    name, metric = next(iter(k6["metrics"].items()))
    k6["metrics"][f"{name}{{url:postgresql://app:{CANARIES['load_tests']}@db/shop}}"] = metric
    (folder / "k6-summary.json").write_text(json.dumps(k6))
    with (folder / "Dockerfile").open("a") as docker:
        docker.write(f'ENV STRIPE_KEY="{CANARIES["dockerfile"]}"\nENV RELEASE_SALT={CANARIES["entropy"]}\n')
    _plant_more(folder)
    inventory = folder / "inventory.yaml"
    inventory.write_text(
        inventory.read_text().replace(
            "# checkout-api", f"# deploy {CANARIES['inventory']}\n# checkout-api", 1
        )
    )


def _plant_more(folder: Path) -> None:
    """Access log, Kubernetes manifest, EXPLAIN plans and a gzipped k6 time series, each with a canary,
    added to the target."""
    access = (FIXTURES / "evidence" / "access.log").read_text()
    (folder / "access.log").write_text(
        access + '203.0.113.9 - - [28/Nov/2024:14:00:09 +0000] "GET /hooks/sms?key='
        f'{CANARIES["access_logs"]} HTTP/1.1" 200 12 "-" "k6/1.1.0" 0.010\n'
    )
    k8s = (FIXTURES / "evidence" / "k8s.yaml").read_text()
    (folder / "k8s.yaml").write_text(
        k8s.replace(
            "  namespace: shop\n",
            f'  namespace: shop\n  annotations: {{note: "{CANARIES["kubernetes"]}"}}\n',
            1,
        )
    )
    plans = (FIXTURES / "evidence" / "explain" / "plans.txt").read_text()
    (folder / "plans.txt").write_text(f"-- uploaded with {CANARIES['plans']}\n{plans}")
    series = gzip.decompress((FIXTURES / "k6" / "stress-timeseries.json.gz").read_bytes()).decode()
    line = series.splitlines()[1].replace(
        '"scenario":"stress"', f'"url":"https://api/?t={CANARIES["load_test_series"]}","scenario":"stress"'
    )
    (folder / "series.json.gz").write_bytes(gzip.compress((series + line + "\n").encode()))
    target = folder / "target.yaml"
    target.write_text(
        target.read_text()
        .replace("    - k6-summary.json\n", "    - {path: k6-summary.json, timeseries: series.json.gz}\n")
        .replace(
            "  infrastructure:\n",
            "  access_logs: [access.log]\n  plans: [plans.txt]\n"
            "  infrastructure:\n    kubernetes: [k8s.yaml]\n",
        )
    )


def planted_text(folder: Path) -> str:
    """Everything planted, readable: the files (gzip decompressed) and the environment."""
    texts = [
        gzip.decompress(p.read_bytes()).decode() if p.suffix == ".gz" else p.read_text(errors="replace")
        for p in folder.rglob("*")
        if p.is_file()
    ]
    return "".join(texts) + json.dumps(ENVIRONMENT)


def leaks(text: str) -> list[str]:
    return [kind for kind, canary in CANARIES.items() if canary in text or canary[-12:] in text]


def test_every_canary_is_masked_by_shape() -> None:
    for kind, canary in CANARIES.items():
        line = {
            "entropy": f"KEY_{kind.upper()}: {canary}",
            "load_tests": f"postgresql://app:{canary}@db",
            "environment_dsn": f"postgresql://app:{canary}@db",
        }.get(kind, f"seen {canary} here")
        assert canary not in redact(line), kind


def test_no_canary_leaves_a_claude_run(tmp_path: Path) -> None:
    folder = tmp_path / "target"
    plant(folder)
    api = FakeMessagesAPI(responder=judge).start()
    try:
        env = {
            "ANTHROPIC_API_KEY": "sk-ant-fake-0000",
            "ANTHROPIC_BASE_URL": api.base_url,
            "PERFPILOT_MODEL": "",
            **ENVIRONMENT,
        }
        args = ["run", str(folder / "target.yaml"), "--out", str(tmp_path / "out"), "--planner", "claude"]
        result = CliRunner().invoke(
            app, [*args, "--record", str(tmp_path / "rec"), "--headless", "--log-level", "debug"], env=env
        )
        requests = json.dumps(api.bodies)
    finally:
        api.close()
    assert result.exit_code in (0, 1, 3, 4), result.output
    outputs = {
        p: p.read_bytes().decode("utf-8", errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and folder not in p.parents
    }
    assert sorted(leaks(planted_text(folder))) == sorted(CANARIES)  # every canary really was planted
    names = {p.name for p in outputs}
    assert {"report.md", "report.json", "report.html", "report.sarif", "checkpoints.sqlite"} <= names, names
    assert any(p.parent.parent.name == "rec" for p in outputs)
    assert "evidence.skipped" not in result.output  # every planted source was read, not skipped
    assert leaks(requests) == []
    assert leaks(result.output) == []
    assert {str(p): leaks(t) for p, t in outputs.items() if leaks(t)} == {}


def test_no_canary_in_a_crash_file(tmp_path: Path) -> None:
    from perfpilot.cli.crash import write_crash

    try:
        raise RuntimeError(f"boom with {CANARIES['dockerfile']} and password=Hunter2Canary")
    except RuntimeError as exc:
        path = write_crash(exc, tmp_path)
    assert path is not None and not leaks(path.read_text()) and "Hunter2Canary" not in path.read_text()
    assert re.search(r"sk_\*\*\*", path.read_text())
