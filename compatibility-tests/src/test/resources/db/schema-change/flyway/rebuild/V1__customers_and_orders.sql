CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE INDEX customer_name ON customer (name);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer (id));
INSERT INTO customer (id, name) VALUES (1, 'Ann');
INSERT INTO orders (id, customer_id) VALUES (1, 1);
