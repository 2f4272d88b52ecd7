"""The price catalog as data: bundled prices with source and date, the user's file laid over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.models import Instance
from perfpilot.skills.base import SkillContext
from perfpilot.skills.cost_optimization.catalog import load_catalog
from perfpilot.skills.cost_optimization.priced import Pricing
from perfpilot.skills.cost_optimization.skill import SKILL
from perfpilot.target.spec import EvidenceSources, InfrastructureSource, Target

USER = """catalogs:
  - provider: aws
    region: eu-west-1
    source: "our negotiated rate card"
    as_of: "2026-11"
    prices:
      m5.2xlarge: 0.40
      m5.xlarge: 0.16
"""


def _instance(**update: object) -> Instance:
    data: dict[str, object] = {
        "name": "web", "instance_type": "m5.2xlarge", "count": 2, "vcpu": 8, "memory_gib": 32,
        "hourly_usd": 0.428, "cpu_util_p95": 0.2, "mem_util_p95": 0.2, "region": "eu-west-1",
    }
    return Instance.model_validate({**data, **update})


def test_bundled_prices_name_their_source_and_date() -> None:
    price = load_catalog().price("us-east-1", "M5.Large")
    assert price is not None
    assert (price.hourly_usd, price.as_of) == (0.096, "2024-06")
    assert price.source.startswith("AWS EC2 On-Demand Pricing")


def test_user_file_replaces_entries_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "prices.yaml").write_text(USER)
    catalog = load_catalog(tmp_path / "prices.yaml")
    replaced, kept = catalog.price("eu-west-1", "m5.xlarge"), catalog.price("eu-west-1", "m5.large")
    assert replaced is not None
    assert (replaced.hourly_usd, replaced.source) == (0.16, "our negotiated rate card")
    assert kept is not None and kept.hourly_usd == 0.107


def test_a_bad_user_file_names_its_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "prices.yaml").write_text(USER.replace('    as_of: "2026-11"\n', "    as_of: ''\n"))
    with pytest.raises(EvidenceError) as caught:
        load_catalog(tmp_path / "prices.yaml")
    assert "catalogs[0].as_of" in str(caught.value) and caught.value.line == 5


def test_resize_priced_by_the_catalog_ratio_else_by_halving() -> None:
    pricing = Pricing(load_catalog(), "us-east-1")
    hourly, how = pricing.resized_hourly(_instance(), "m5.xlarge", 2)
    assert hourly == pytest.approx(0.214)
    assert how == (
        "price ratio m5.xlarge / m5.2xlarge = 0.214 / 0.428 in eu-west-1 "
        "(AWS EC2 On-Demand Pricing (Linux), EU (Ireland), 2024-06)"
    )
    hourly, how = pricing.resized_hourly(_instance(instance_type="x9.2xlarge"), "x9.xlarge", 2)
    assert hourly == pytest.approx(0.214)
    assert how == "same-family price halves per size step (x9.xlarge not in the price catalog for eu-west-1)"


def test_inventory_price_far_from_the_list_price_is_pointed_out(tmp_path: Path) -> None:
    (tmp_path / "prices.yaml").write_text(USER)
    infra = InfrastructureSource(inventory=Path("inventory.yaml"))
    target = Target(name="shop", evidence=EvidenceSources(infrastructure=infra))
    bundle = EvidenceBundle(target=target, instances=[_instance()])
    bundle.target._root = tmp_path
    out = SKILL.invoke({"price_catalog": "prices.yaml"}, SkillContext(evidence=bundle, workdir=tmp_path))
    assert "prices: prices.yaml over the bundled catalog" in out.notes
    assert any(n.startswith("web: the inventory's $0.428/h for m5.2xlarge is +7% from") for n in out.notes)
    resize = next(f for f in out.findings if f.kind == "rightsize_instance")
    assert resize.estimate is not None and "our negotiated rate card, 2026-11" in resize.estimate.method
    assert resize.estimate.expected == pytest.approx(round(0.428 * 0.16 / 0.40 * 730 * 2, 2))
