"""Record incident svc-orders-healthy-pg: the orders service without a fault, k6 baseline well within SLO.

The orders service of svc_orders_pg.py with items' products loaded in one `WHERE id = ANY(%s)` query
(no N+1), every index in place, traced by the OpenTelemetry SDK, under a light k6 constant-arrival-rate
baseline (8 requests/s for 60 s). Nothing is injected: the right answer is to change nothing.

Writes: traces.json (OTLP JSON), k6-summary.json (handleSummary data), schema.sql (pg_dump --schema-only).
Usage: .venv/bin/python scripts/record_incidents/svc_healthy_orders.py
"""

from __future__ import annotations

import sys

import svc_common as common
import svc_orders_pg as orders

INCIDENT = "svc-orders-healthy-pg"
DATABASE = "incidents_svc_orders_healthy"
PORT = common.PORT_BASE + 3  # 18653
SAMPLE_RATIO = 0.1

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 8, timeUnit: '1s', duration: '60s',
      preAllocatedVUs: 10, maxVUs: 40,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /orders/{id}}': ['p(95)<300'],
    'http_req_duration{name:GET /products/{id}}': ['p(95)<300'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  if (Math.random() < 0.7) {
    const id = 1 + Math.floor(Math.random() * 4000);
    http.get(`${__ENV.BASE_URL}/orders/${id}`, { tags: { name: 'GET /orders/{id}' } });
  } else {
    const id = 1 + Math.floor(Math.random() * 5000);
    http.get(`${__ENV.BASE_URL}/products/${id}`, { tags: { name: 'GET /products/{id}' } });
  }
}
"""


def main() -> int:
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    folder = common.incident_dir(INCIDENT)
    dsn = common.pg_database(DATABASE)
    try:
        orders.create(dsn)
        (folder / "schema.sql").write_text(common.pg_schema(dsn))
        _, exporter = common.tracer_provider("orders-api", sample_ratio=SAMPLE_RATIO)
        PsycopgInstrumentor().instrument()
        orders.record_run(
            exporter=exporter, dsn=dsn, port=PORT, k6_script=K6_SCRIPT, n_plus_one=False,
            summary=folder / "k6-summary.json", traces=folder / "traces.json",
        )
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
