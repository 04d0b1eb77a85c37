-- The table of ItemController's writes, for the failover run's forked nodes: applied by the node that
-- starts as the primary, and replicated to the others with everything else.
CREATE TABLE item (id INTEGER PRIMARY KEY, title VARCHAR(64) NOT NULL, qty INTEGER NOT NULL);
