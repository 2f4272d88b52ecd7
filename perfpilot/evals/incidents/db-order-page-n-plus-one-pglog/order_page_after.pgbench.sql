\set oid random(1, 5000)
BEGIN;
SELECT id, user_id, created_at FROM orders WHERE id = :oid;
SELECT product_id, quantity FROM order_items WHERE order_id = :oid ORDER BY id;
\set p0 1 + (:oid * 50 + 0) % 20000
\set p1 1 + (:oid * 50 + 1) % 20000
\set p2 1 + (:oid * 50 + 2) % 20000
\set p3 1 + (:oid * 50 + 3) % 20000
\set p4 1 + (:oid * 50 + 4) % 20000
\set p5 1 + (:oid * 50 + 5) % 20000
\set p6 1 + (:oid * 50 + 6) % 20000
\set p7 1 + (:oid * 50 + 7) % 20000
\set p8 1 + (:oid * 50 + 8) % 20000
\set p9 1 + (:oid * 50 + 9) % 20000
\set p10 1 + (:oid * 50 + 10) % 20000
\set p11 1 + (:oid * 50 + 11) % 20000
\set p12 1 + (:oid * 50 + 12) % 20000
\set p13 1 + (:oid * 50 + 13) % 20000
\set p14 1 + (:oid * 50 + 14) % 20000
\set p15 1 + (:oid * 50 + 15) % 20000
\set p16 1 + (:oid * 50 + 16) % 20000
\set p17 1 + (:oid * 50 + 17) % 20000
\set p18 1 + (:oid * 50 + 18) % 20000
\set p19 1 + (:oid * 50 + 19) % 20000
\set p20 1 + (:oid * 50 + 20) % 20000
\set p21 1 + (:oid * 50 + 21) % 20000
\set p22 1 + (:oid * 50 + 22) % 20000
\set p23 1 + (:oid * 50 + 23) % 20000
\set p24 1 + (:oid * 50 + 24) % 20000
\set p25 1 + (:oid * 50 + 25) % 20000
\set p26 1 + (:oid * 50 + 26) % 20000
\set p27 1 + (:oid * 50 + 27) % 20000
\set p28 1 + (:oid * 50 + 28) % 20000
\set p29 1 + (:oid * 50 + 29) % 20000
\set p30 1 + (:oid * 50 + 30) % 20000
\set p31 1 + (:oid * 50 + 31) % 20000
\set p32 1 + (:oid * 50 + 32) % 20000
\set p33 1 + (:oid * 50 + 33) % 20000
\set p34 1 + (:oid * 50 + 34) % 20000
\set p35 1 + (:oid * 50 + 35) % 20000
\set p36 1 + (:oid * 50 + 36) % 20000
\set p37 1 + (:oid * 50 + 37) % 20000
\set p38 1 + (:oid * 50 + 38) % 20000
\set p39 1 + (:oid * 50 + 39) % 20000
\set p40 1 + (:oid * 50 + 40) % 20000
\set p41 1 + (:oid * 50 + 41) % 20000
\set p42 1 + (:oid * 50 + 42) % 20000
\set p43 1 + (:oid * 50 + 43) % 20000
\set p44 1 + (:oid * 50 + 44) % 20000
\set p45 1 + (:oid * 50 + 45) % 20000
\set p46 1 + (:oid * 50 + 46) % 20000
\set p47 1 + (:oid * 50 + 47) % 20000
\set p48 1 + (:oid * 50 + 48) % 20000
\set p49 1 + (:oid * 50 + 49) % 20000
SELECT id, name, price_cents FROM products WHERE id IN (:p0, :p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9, :p10, :p11, :p12, :p13, :p14, :p15, :p16, :p17, :p18, :p19, :p20, :p21, :p22, :p23, :p24, :p25, :p26, :p27, :p28, :p29, :p30, :p31, :p32, :p33, :p34, :p35, :p36, :p37, :p38, :p39, :p40, :p41, :p42, :p43, :p44, :p45, :p46, :p47, :p48, :p49);
COMMIT;
