-- The hub's reporting store (run once, when the PostgreSQL volume is new).
CREATE DATABASE pace_reporting;
