"""The price catalog as data: on-demand prices per provider, region and instance type, each catalog with
its source and date (prices.yaml beside this module), overridden entry by entry by the user's file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.yaml_lines import line_of, yaml_documents

BUNDLED = Path(__file__).with_name("prices.yaml")


class RegionPrices(BaseModel):
    """One provider region's on-demand prices (USD per instance-hour) and where they come from."""

    model_config = ConfigDict(extra="forbid")

    provider: str
    region: str
    source: str = Field(min_length=1)
    as_of: str = Field(min_length=1, description="When the prices were read (YYYY-MM or a date).")
    prices: dict[str, float] = Field(default_factory=dict)


class Price(BaseModel):
    """One instance type's price with its provenance."""

    hourly_usd: float
    source: str
    as_of: str

    def cite(self) -> str:
        return f"{self.source}, {self.as_of}"


class PriceCatalog(BaseModel):
    """Every region's prices; later catalogs (the user's) replace earlier entries type by type."""

    regions: dict[str, dict[str, Price]] = Field(default_factory=dict)

    def price(self, region: str, instance_type: str) -> Price | None:
        return self.regions.get(region, {}).get(instance_type.strip().lower())

    def merged(self, catalogs: list[RegionPrices]) -> PriceCatalog:
        regions = {name: dict(prices) for name, prices in self.regions.items()}
        for one in catalogs:
            table = regions.setdefault(one.region, {})
            for name, usd in one.prices.items():
                table[name.strip().lower()] = Price(hourly_usd=usd, source=one.source, as_of=one.as_of)
        return PriceCatalog(regions=regions)


def read_catalogs(path: Path, label: str) -> list[RegionPrices]:
    """`catalogs: [...]` from a YAML file; a bad entry is an error naming the file, line and field."""
    documents = list(yaml_documents(read_text(path, label), label))
    root = documents[0][0] if len(documents) == 1 else None
    if not isinstance(root, dict) or not isinstance(root.get("catalogs"), list):
        raise EvidenceError(label, None, "expected one YAML document with a 'catalogs' list")
    found = []
    for index, item in enumerate(root["catalogs"]):
        try:
            found.append(RegionPrices.model_validate(item))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in err["loc"])
            line = line_of(item, str(err["loc"][0])) if isinstance(item, dict) and err["loc"] else None
            raise EvidenceError(label, line, f"catalogs[{index}].{field}: {err['msg']}") from None
    return found


def load_catalog(user_file: Path | None = None) -> PriceCatalog:
    """The bundled catalog, with the user's file (if any) laid over it."""
    catalog = PriceCatalog().merged(read_catalogs(BUNDLED, "prices.yaml"))
    if user_file is not None:
        catalog = catalog.merged(read_catalogs(user_file, str(user_file)))
    return catalog
