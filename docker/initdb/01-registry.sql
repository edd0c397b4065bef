-- The mock Dukcapil registry keeps its own database: the portal reaches it only over HTTP.
CREATE DATABASE registry OWNER jkn;
