-- sqlite3 data/shop.db .schema (the shop demo). Rows: customers 50,000; products 5,000; orders 200,000;
-- order_items 300,000. Primary keys only, no secondary indexes.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
    country TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE products (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    category TEXT NOT NULL, price REAL NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    status TEXT NOT NULL, created_at TEXT NOT NULL, total REAL NOT NULL);
CREATE TABLE order_items (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id), quantity INTEGER NOT NULL, price REAL NOT NULL);
CREATE TABLE shop_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
