-- The evidence pack for a recall request (issue 17) says, for every entry of the log it shows, whether the
-- entry is as it was written: its hash holds for its content, and its link holds to the entry before it in the
-- premises' chain. chain_first_break (0003) says where a whole chain first breaks; this names each entry.
-- Not a security definer: the caller's row-level security applies, and the entry before is at the same premises.
CREATE FUNCTION movements_chain_check(ids uuid[]) RETURNS TABLE (id uuid, hash_holds boolean, link_holds boolean)
LANGUAGE sql STABLE SET timezone = 'UTC' AS $$
    SELECT m.id, m.hash = chain_hash(m.prev_hash, to_jsonb(m)),
           m.prev_hash = coalesce((SELECT b.hash FROM movements b WHERE b.premises_id = m.premises_id
                                   AND b.seq = m.seq - 1), '')
    FROM movements m WHERE m.id = ANY (ids)
$$;
