"""Prices for the instance findings: a resize priced from the catalog when it lists both sizes in the
instance's region, else by the same-family rule (price halves per size step), said in each estimate."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.evidence.models import Instance
from perfpilot.skills.cost_optimization.catalog import PriceCatalog
from perfpilot.skills.cost_optimization.pricing import DEFAULT_REGION, PRICE_MISMATCH

HALVING_NOTE = "same-family price halves per size step"


@dataclass(frozen=True)
class Pricing:
    """The catalog and the region assumed for instances whose inventory names none."""

    catalog: PriceCatalog = field(default_factory=PriceCatalog)
    default_region: str = DEFAULT_REGION

    def region_of(self, instance: Instance) -> str:
        return instance.region or self.default_region

    def resized_hourly(self, instance: Instance, new_type: str, factor: int) -> tuple[float, str]:
        """(hourly USD at the new size, how it was priced). The inventory's own price is scaled by the
        catalog's ratio, so a discount it already carries is kept."""
        region = self.region_of(instance)
        now = self.catalog.price(region, instance.instance_type)
        new = self.catalog.price(region, new_type)
        if now is not None and new is not None and now.hourly_usd > 0:
            ratio = new.hourly_usd / now.hourly_usd
            return instance.hourly_usd * ratio, (
                f"price ratio {new_type} / {instance.instance_type} = {new.hourly_usd} / {now.hourly_usd} in "
                f"{region} ({new.cite()})"
            )
        missing = f"{new_type} not in the price catalog for {region}"
        return instance.hourly_usd / factor, f"{HALVING_NOTE} ({missing})"

    def mismatch(self, instance: Instance) -> str | None:
        """A note when the inventory's price differs from the catalog's list price by more than 5%."""
        region = self.region_of(instance)
        listed = self.catalog.price(region, instance.instance_type)
        if listed is None or listed.hourly_usd <= 0:
            return None
        gap = instance.hourly_usd / listed.hourly_usd - 1
        if abs(gap) <= PRICE_MISMATCH:
            return None
        return (
            f"{instance.name}: the inventory's ${instance.hourly_usd}/h for {instance.instance_type} is "
            f"{gap:+.0%} from the on-demand list price ${listed.hourly_usd}/h in {region} ({listed.cite()}): "
            "a discount, another region, or a stale figure; findings use the inventory's price"
        )
