// The doctor's own visit on their day: close it once it has started
// (Completar / No asistió, recordVisitOutcome) and write its clinical notes
// (setClinicalNotes), which only they and staff read.
import { useState } from "react";
import { request } from "../../api/client";
import { RecordVisitOutcomeDocument, SetClinicalNotesDocument, VisitNotesDocument } from "../../generated/Doctor";
import type { VisitOutcome } from "../../generated/schema-types";
import { useI18n } from "../../i18n";
import { FormError, Loading, TextArea, useMutation, useQuery, useToast } from "../../ui/kit";
import { canClose } from "../admin/StaffAppointment";

export function VisitActions({ a, onChange }: { a: { id: string; status: string; startsAt: string }; onChange: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [notesOpen, setNotesOpen] = useState(false);
  const m = useMutation();
  const close = async (outcome: VisitOutcome) => {
    if (await m.run(() => request(RecordVisitOutcomeDocument, { id: a.id, outcome }))) {
      toast(t("Cita actualizada.", "Appointment updated."));
      onChange();
    }
  };
  return (
    <div className="visit-actions">
      <div className="actions">
        {canClose(a) && <>
          <button type="button" className="primary" onClick={() => close("COMPLETED")} disabled={m.busy}>{t("Completar", "Complete")}</button>
          <button type="button" onClick={() => close("NO_SHOW")} disabled={m.busy}>{t("No asistió", "No-show")}</button>
        </>}
        {a.status !== "CANCELLED" &&
          <button type="button" onClick={() => setNotesOpen(!notesOpen)} aria-expanded={notesOpen}>{t("Notas clínicas", "Clinical notes")}</button>}
      </div>
      <FormError error={m.error} />
      {notesOpen && <NotesEditor id={a.id} onSaved={() => setNotesOpen(false)} />}
    </div>
  );
}

function NotesEditor({ id, onSaved }: { id: string; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(VisitNotesDocument, { id }), [id]);
  const [text, setText] = useState<string | null>(null);
  const m = useMutation();
  if (q.loading) return <Loading />;
  if (q.error) return <FormError error={q.error} />;
  const value = text ?? q.data?.appointment?.clinicalNotes ?? "";
  const save = async () => {
    if (await m.run(() => request(SetClinicalNotesDocument, { id, notes: value }))) {
      toast(t("Notas guardadas.", "Notes saved."));
      onSaved();
    }
  };
  return (
    <div className="editor">
      <TextArea label={t("Notas clínicas de la consulta", "Clinical notes of the visit")} value={value} rows={5} onChange={(e) => setText(e.target.value)}
        error={m.field("notes")} hint={t("Solo usted y el personal de la clínica las ven; el paciente no.", "Only you and clinic staff see them; the patient does not.")} />
      <FormError error={m.error} />
      <button type="button" className="primary" onClick={save} disabled={m.busy}>{t("Guardar notas", "Save notes")}</button>
    </div>
  );
}
