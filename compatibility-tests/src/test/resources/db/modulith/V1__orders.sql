CREATE TABLE placed_order (
  id TEXT PRIMARY KEY
);

CREATE TABLE shipment (
  id       INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL,
  thread   TEXT NOT NULL
);

CREATE TABLE invoice (
  id       INTEGER PRIMARY KEY,
  order_id TEXT NOT NULL,
  thread   TEXT NOT NULL
);
