-- 0012: two lookups whose cost followed the data kept (issue #21).

-- Staff search patients by any part of a name or email (ILIKE '%…%'). A trigram
-- index over one expression answers that without reading every user; the
-- unit separator keeps a match from spanning the name and the email.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_trgm ON users
    USING gin ((first_name || ' ' || last_name || E'\x1f' || email) gin_trgm_ops);

-- Who counts as a patient's treating doctor: every doctor with an appointment
-- of theirs, in any status. Reading it from appointments read the patient's
-- whole history for every patient on a page; this pair table holds one row per
-- (patient, doctor), kept by triggers in the same transaction.
CREATE TABLE patient_doctors (
    patient_id  bigint NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    doctor_id   bigint NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
    PRIMARY KEY (patient_id, doctor_id)
);

-- A pair leaves only when no appointment of the pair remains (a delete, or a
-- move to another doctor or patient).
CREATE FUNCTION patient_doctors_prune(pairs patient_doctors[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM patient_doctors pd
     USING (SELECT DISTINCT patient_id, doctor_id FROM unnest(pairs)) o
     WHERE pd.patient_id = o.patient_id AND pd.doctor_id = o.doctor_id
       AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = o.patient_id AND a.doctor_id = o.doctor_id);
$$;

CREATE FUNCTION patient_doctors_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_doctors (patient_id, doctor_id)
    SELECT DISTINCT patient_id, doctor_id FROM new_rows ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

-- Only rows whose patient or doctor changed matter (a status change touches nothing).
CREATE FUNCTION patient_doctors_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO patient_doctors (patient_id, doctor_id)
    SELECT DISTINCT n.patient_id, n.doctor_id FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.patient_id, n.doctor_id) <> (o.patient_id, o.doctor_id) ORDER BY 1, 2
    ON CONFLICT DO NOTHING;
    PERFORM patient_doctors_prune(ARRAY(
        SELECT ROW(o.patient_id, o.doctor_id)::patient_doctors FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n.patient_id, n.doctor_id) <> (o.patient_id, o.doctor_id)));
    RETURN NULL;
END $$;

CREATE FUNCTION patient_doctors_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM patient_doctors_prune(ARRAY(SELECT ROW(patient_id, doctor_id)::patient_doctors FROM old_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION patient_doctors_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE patient_doctors;
    RETURN NULL;
END $$;

CREATE TRIGGER appointments_patient_doctors_insert AFTER INSERT ON appointments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION patient_doctors_insert();
CREATE TRIGGER appointments_patient_doctors_update AFTER UPDATE ON appointments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION patient_doctors_update();
CREATE TRIGGER appointments_patient_doctors_delete AFTER DELETE ON appointments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION patient_doctors_delete();
CREATE TRIGGER appointments_patient_doctors_truncate AFTER TRUNCATE ON appointments
    FOR EACH STATEMENT EXECUTE FUNCTION patient_doctors_truncate();

INSERT INTO patient_doctors (patient_id, doctor_id) SELECT DISTINCT patient_id, doctor_id FROM appointments;
