"""Every generated incident's evidence: the traffic, workload and static files, written into its folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from perfpilot.evals.generate import database_scenarios, platform_scenarios
from perfpilot.evals.generate.common import Files

SCENARIOS: dict[str, Callable[[], Files]] = {
    "healthy-indexed-api": database_scenarios.healthy_indexed_api,
    "healthy-rightsized-k8s": platform_scenarios.healthy_rightsized_k8s,
    "healthy-edge-cache": platform_scenarios.healthy_edge_cache,
    "orders-missing-index-pgss": database_scenarios.orders_missing_index_pgss,
    "invoices-missing-index-mysql": database_scenarios.invoices_missing_index_mysql,
    "order-items-n-plus-one": database_scenarios.order_items_n_plus_one,
    "search-leading-wildcard": database_scenarios.search_leading_wildcard,
    "db-plus-app-partial": database_scenarios.db_plus_app_partial,
    "export-cpu-hot-path": database_scenarios.export_cpu_hot_path,
    "single-node-db-saturated": platform_scenarios.single_node_db_saturated,
    "app-fleet-saturated": platform_scenarios.app_fleet_saturated,
    "idle-fleet-cost": platform_scenarios.idle_fleet_cost,
    "k8s-limits-and-index": database_scenarios.k8s_limits_and_index,
    "n-plus-one-complex": database_scenarios.n_plus_one_complex,
    "orders-status-pglog": database_scenarios.orders_status_pglog,
    "static-assets-at-origin": platform_scenarios.static_assets_at_origin,
}


def write_scenario(incident_id: str, folder: Path) -> list[Path]:
    """Write one incident's generated evidence files into its folder (deterministic: seeded)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in SCENARIOS[incident_id]().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
