-- One database per store of a partner (run once, when the PostgreSQL volume is new).
CREATE DATABASE pace_intake;
CREATE DATABASE pace_booking;
CREATE DATABASE pace_trajectory;
CREATE DATABASE pace_sharing;
CREATE DATABASE pace_figures;
