-- What a departure's reason alone does not say: for a recall or breach, what happened and who was told; for a
-- move-on, where to. Recorded with the departure, as the national booking service asks for it.
ALTER TABLE placements ADD COLUMN departure_notes text NOT NULL DEFAULT ''
    CONSTRAINT placements_departure_notes_length CHECK (length(departure_notes) <= 4000);
