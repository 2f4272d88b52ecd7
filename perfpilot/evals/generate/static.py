"""Hand-written evidence several incidents share: schemas, Dockerfiles, manifests, inventories."""

from __future__ import annotations

SHOP_SCHEMA = """\
-- pg_dump --schema-only of database "shop" (PostgreSQL 15).
-- Row counts when recorded: customers 250,000; products 20,000; orders 1,480,000; order_items 6,650,000.

CREATE TABLE customers (
    id           bigserial PRIMARY KEY,
    email        text        NOT NULL UNIQUE,
    full_name    text        NOT NULL,
    country_code char(2)     NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id          bigserial PRIMARY KEY,
    sku         text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    description text,
    category    text        NOT NULL,
    price_cents integer     NOT NULL CHECK (price_cents >= 0),
    stock       integer     NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers (id),
    status      text        NOT NULL,
    total_cents integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
    id               bigserial PRIMARY KEY,
    order_id         bigint  NOT NULL REFERENCES orders (id),
    product_id       bigint  NOT NULL REFERENCES products (id),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL
);

CREATE INDEX products_category_idx ON products (category);
"""

INDEXED = """
CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at DESC);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
"""

BILLING_SCHEMA_MYSQL = """\
-- mysqldump --no-data billing (MySQL 8.0.36). Rows: accounts 120,000; invoices 3,900,000.
CREATE TABLE `accounts` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `name` varchar(200) NOT NULL,
  `plan` varchar(32) NOT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `invoices` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `account_id` bigint NOT NULL,
  `status` varchar(16) NOT NULL,
  `amount_cents` int NOT NULL,
  `issued_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""

MULTISTAGE_DOCKERFILE = """\
# syntax=docker/dockerfile:1.7
FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.lock .
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.lock

FROM python:3.12-slim
RUN useradd --create-home --uid 10001 app
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY --chown=app:app src/ ./src/
USER app
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=2s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["gunicorn", "src.main:app", "-k", "uvicorn.workers.UvicornWorker", "-w", "2", "-b", "0.0.0.0:8000"]
"""


def inventory(rows: list[dict[str, object]], header: str) -> str:
    """An instance inventory YAML (14-day average and p95 utilisation, on-demand prices)."""
    lines = [f"# {header}", "instances:"]
    for row in rows:
        first = True
        for key, value in row.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(lines) + "\n"


def deployment(name: str, replicas: int, cpu_req: str, mem_req: str, cpu_lim: str, mem_lim: str) -> str:
    """A Deployment, its Service and an HPA, as kubectl get -o yaml would show the spec parts."""
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
  labels: {{app: {name}}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: api
          image: registry.example/{name}:2.3.1
          ports: [{{containerPort: 8000}}]
          resources:
            requests: {{cpu: {cpu_req}, memory: {mem_req}}}
            limits: {{cpu: "{cpu_lim}", memory: {mem_lim}}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8000}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: shop
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: {replicas}
  maxReplicas: {replicas * 3}
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
"""
