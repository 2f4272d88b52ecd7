"""Record incident svc-orders-n-plus-one-pg: an N+1 on GET /orders/{id}, seen in OTel traces, k6 baseline.

Runs the orders service (svc_orders_pg.py) with the fault injected (one products query per order item)
against a real PostgreSQL database, traced by the OpenTelemetry SDK (WSGI and psycopg instrumentations),
under a k6 constant-arrival-rate baseline; then the same load against the fixed service (one
`WHERE id = ANY(%s)` query) to measure the after-state.

Writes: traces.json (OTLP JSON), k6-summary.json (handleSummary data), schema.sql (pg_dump --schema-only),
after-fix-k6-summary.json. Usage: .venv/bin/python scripts/record_incidents/svc_n_plus_one_orders.py
"""

from __future__ import annotations

import sys

import svc_common as common
import svc_orders_pg as orders

INCIDENT = "svc-orders-n-plus-one-pg"
DATABASE = "incidents_svc_orders"
PORT = common.PORT_BASE  # 18650
SAMPLE_RATIO = 0.015  # head sampling, as production tracing does; keeps traces.json small

K6_SCRIPT = """
import http from 'k6/http';
export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-arrival-rate', rate: 15, timeUnit: '1s', duration: '60s',
      preAllocatedVUs: 20, maxVUs: 60,
    },
  },
  thresholds: {
    'http_req_duration{name:GET /orders/{id}}': ['p(95)<75'],
    'http_req_duration{name:GET /products/{id}}': ['p(95)<75'],
    http_req_failed: ['rate<0.01'],
  },
};
export default function () {
  if (Math.random() < 0.8) {
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
        folder = common.incident_dir(INCIDENT)
        run = dict(exporter=exporter, dsn=dsn, port=PORT, k6_script=K6_SCRIPT)
        orders.record_run(
            **run, n_plus_one=True, summary=folder / "k6-summary.json", traces=folder / "traces.json"
        )
        orders.record_run(**run, n_plus_one=False, summary=folder / "after-fix-k6-summary.json", traces=None)
    finally:
        common.pg_drop(DATABASE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
