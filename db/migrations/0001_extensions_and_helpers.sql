-- 0001: extensions and helper functions shared by the later migrations.

-- btree_gist lets an exclusion constraint mix plain equality (doctor_id WITH =)
-- with range overlap (during WITH &&). It is a "trusted" extension since
-- PostgreSQL 13, so a database owner can create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Keeps updated_at honest whatever the UPDATE statement forgot to set.
-- Inserts keep the value they were given (seeds write deterministic stamps).
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION set_updated_at() IS
    'BEFORE UPDATE trigger: stamps updated_at with the transaction time.';
