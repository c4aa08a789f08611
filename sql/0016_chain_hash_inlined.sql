-- chain_hash was declared IMMUTABLE, but convert_to is only STABLE, so PostgreSQL would not inline it:
-- every chained insert ran it as a separate SQL function, parsed and planned again in each
-- transaction (a movement is one transaction). STABLE is what it is (same answer within a statement,
-- the database's encoding fixed); inlined, the hash is one expression of the trigger. The formula is
-- unchanged, so every hash already written still verifies.
ALTER FUNCTION chain_hash(text, jsonb) STABLE;

-- The void check read nothing for entries that are not voids, but was called for every entry.
DROP TRIGGER movements_check_void ON movements;
CREATE TRIGGER movements_check_void BEFORE INSERT ON movements FOR EACH ROW WHEN (NEW.kind = 'void') EXECUTE FUNCTION movements_check_void();
