CREATE TABLE book (
    id        INTEGER PRIMARY KEY,
    title     TEXT    NOT NULL,
    published INTEGER NOT NULL,
    in_print  INTEGER NOT NULL
);

CREATE TABLE account (
    id      INTEGER PRIMARY KEY,
    owner   TEXT    NOT NULL,
    balance INTEGER NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE purchase_order (
    id          INTEGER PRIMARY KEY,
    customer    TEXT NOT NULL,
    ship_street TEXT,
    ship_city   TEXT,
    placed_at   TEXT NOT NULL
);

CREATE TABLE order_line (
    purchase_order INTEGER NOT NULL REFERENCES purchase_order (id),
    line_index     INTEGER NOT NULL,
    product        TEXT    NOT NULL,
    quantity       INTEGER NOT NULL,
    PRIMARY KEY (purchase_order, line_index)
);

CREATE TABLE coupon (
    purchase_order INTEGER NOT NULL REFERENCES purchase_order (id),
    code           TEXT    NOT NULL
);
