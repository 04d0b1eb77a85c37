-- An application's own Quartz schema script (spring.quartz.jdbc.schema).
CREATE TABLE IF NOT EXISTS OWN_QRTZ_SCHEMA (ID INTEGER PRIMARY KEY);
