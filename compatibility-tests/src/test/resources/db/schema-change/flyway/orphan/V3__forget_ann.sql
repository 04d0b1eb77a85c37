-- Deletes a customer its orders still reference: with foreign keys off no RESTRICT stops it.
INSERT INTO orders (id, customer_id) VALUES (2, 1);
DELETE FROM customer WHERE id = 1;
