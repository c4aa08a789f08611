-- btree_gist lets an exclusion constraint combine "same bed" (=) with "overlapping nights" (&&),
-- which is how the database itself makes a double-booked bed impossible.
CREATE EXTENSION IF NOT EXISTS btree_gist;
