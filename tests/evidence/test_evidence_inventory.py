"""Instance inventory loader: YAML, JSON and CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.inventory import load_inventory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


@pytest.mark.parametrize("fixture", ["inventory.yaml", "inventory.json", "inventory.csv"])
def test_formats_agree_on_the_shared_fields(fixture: str) -> None:
    instances = {i.name: i for i in load_inventory(FIXTURES / fixture)}
    app, db = instances["app"], instances["db-primary"]
    assert (app.instance_type, app.count, app.vcpu, app.memory_gib, app.hourly_usd) == (
        "m5.xlarge", 3, 4, 16, 0.192
    )
    assert app.cpu_util_avg == pytest.approx(0.11)
    assert (db.instance_type, db.vcpu, db.memory_gib, db.role) == ("r5.2xlarge", 8, 64, "database")


def test_percent_strings_and_blank_cells() -> None:
    yaml_app = next(i for i in load_inventory(FIXTURES / "inventory.yaml") if i.name == "app")
    assert yaml_app.cpu_util_p95 == pytest.approx(0.22)
    cache = next(i for i in load_inventory(FIXTURES / "inventory.csv") if i.name == "cache")
    assert cache.cpu_util_avg is None and cache.pricing == "spot"


def test_invalid_field_names_yaml_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_inventory(FIXTURES / "inventory-bad.yaml", source="inventory.yaml")
    assert caught.value.line == 9
    assert str(caught.value).startswith("inventory.yaml:9: instances[1].vcpu:")


def test_invalid_csv_row_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_inventory(FIXTURES / "inventory-bad.csv")
    assert caught.value.line == 3 and "cpu_util_avg" in caught.value.message


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text("- name: a\n  instance_type: t3.micro\n  vcpu: 2\n  memory_gib: 1\n  hourly_usd: 0.01\n"
                    "  cpu_utilization: 0.5\n")
    with pytest.raises(EvidenceError) as caught:
        load_inventory(path)
    assert caught.value.line == 6 and "cpu_utilization" in caught.value.message


def test_operators_spellings_are_read_as_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text("Name,Size,vCPUs,mem_gb,price_per_hour,cpu_utilization_p95,memory_p95,quantity\n"
                    "api,m5.large,2,8,0.096,41%,0.5,3\n")
    [api] = load_inventory(path)
    assert (api.instance_type, api.vcpu, api.memory_gib, api.hourly_usd) == ("m5.large", 2, 8, 0.096)
    assert (api.cpu_util_p95, api.mem_util_p95, api.count) == (pytest.approx(0.41), 0.5, 3)


def test_two_spellings_of_one_field_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text("- name: a\n  instance_type: t3.micro\n  type: t3.small\n  vcpu: 2\n  memory_gib: 1\n"
                    "  hourly_usd: 0.01\n")
    with pytest.raises(EvidenceError) as caught:
        load_inventory(path)
    assert caught.value.line == 3
    assert caught.value.message == "instances[0]: 'type' and another spelling of 'instance_type' both given"


def test_a_bad_value_under_an_alias_names_the_alias_line(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text("- name: a\n  size: t3.micro\n  cpus: many\n  memory_gib: 1\n  hourly_usd: 0.01\n")
    with pytest.raises(EvidenceError) as caught:
        load_inventory(path)
    assert caught.value.line == 3 and caught.value.message.startswith("instances[0].vcpu:")


def test_measured_peaks_are_read_as_fractions_or_percentages(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text("name,type,vcpu,memory_gib,hourly_usd,cpu_max,memory_max\n"
                    "api,m5.large,2,8,0.096,83%,0.61\n")
    [api] = load_inventory(path)
    assert (api.cpu_util_max, api.mem_util_max) == (pytest.approx(0.83), 0.61)
