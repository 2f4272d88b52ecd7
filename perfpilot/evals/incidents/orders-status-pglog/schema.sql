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

CREATE INDEX orders_customer_id_created_at_idx ON orders (customer_id, created_at DESC);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
