// One appointment as staff handle it, on the day board and in the list across
// days: the status moves the API allows (INTERFACE.md "Statuses"), internal
// notes, the reason, reschedule to a free slot and cancel with a reason.
import { useState } from "react";
import { request } from "../../api/client";
import { StaffCancelDocument, StaffRescheduleDocument, StaffSetStatusDocument, StaffUpdateReasonDocument } from "../../generated/StaffAppointments";
import type { StaffAppointmentFragment } from "../../generated/StaffAppointments";
import type { AppointmentStatus } from "../../generated/schema-types";
import { formatDate, useI18n } from "../../i18n";
import { FormError, StatusBadge, TextArea, TextField, useMutation, useToast } from "../../ui/kit";
import { SlotPicker } from "../patient/SlotPicker";

export type StaffItem = StaffAppointmentFragment;

/** SCHEDULED and CONFIRMED are the only statuses anything may leave. */
export function isActive(a: { status: string }): boolean {
  return a.status === "SCHEDULED" || a.status === "CONFIRMED";
}

/** COMPLETED / NO_SHOW: from an active status, once the start has passed. */
export function canClose(a: { status: string; startsAt: string }, now = Date.now()): boolean {
  return isActive(a) && new Date(a.startsAt).getTime() <= now;
}

type Mode = "view" | "notes" | "reason" | "reschedule" | "cancel";

export function StaffAppointmentCard({ a, onChange, isNext, showDate }: { a: StaffItem; onChange: () => void; isNext?: boolean; showDate?: boolean }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [mode, setMode] = useState<Mode>("view");
  const [notes, setNotes] = useState(a.notes ?? "");
  const [reason, setReason] = useState(a.reason);
  const [cancelReason, setCancelReason] = useState("");
  const [date, setDate] = useState(a.date);
  const [time, setTime] = useState<string | null>(null);
  const m = useMutation();
  const done = (text: string) => { toast(text); setMode("view"); onChange(); };
  const setStatus = async (status: AppointmentStatus) => {
    const changedNotes = notes === (a.notes ?? "") ? null : notes;
    if (await m.run(() => request(StaffSetStatusDocument, { id: a.id, status, notes: changedNotes }))) done(t("Cita actualizada.", "Appointment updated."));
  };
  const saveReason = async () => {
    if (await m.run(() => request(StaffUpdateReasonDocument, { id: a.id, reason }))) done(t("Motivo guardado.", "Reason saved."));
  };
  const reschedule = async () => {
    if (!time) return;
    if (await m.run(() => request(StaffRescheduleDocument, { id: a.id, date, time }))) done(t("Cita cambiada.", "Appointment rescheduled."));
  };
  const cancel = async () => {
    if (await m.run(() => request(StaffCancelDocument, { id: a.id, reason: cancelReason.trim() || null }))) done(t("Cita cancelada.", "Appointment cancelled."));
  };
  const toggle = (x: Mode) => { m.setError(null); setMode(mode === x ? "view" : x); };
  const active = isActive(a);
  return (
    <li className={"card board-card" + (isNext ? " next" : "")} data-testid="board-card" data-id={a.id} data-starts={a.startsAt}>
      <div className="card-main">
        <strong>{showDate ? `${formatDate(lang, a.date)} · ` : ""}{a.time} · {a.patient.user.fullName}</strong>
        {isNext && <span className="next-tag">{t("Siguiente", "Next")}</span>}
        {showDate && <span className="small">{a.doctor.user.fullName} — {a.doctor.specialization}</span>}
        <span className="muted small">{a.reason}</span>
        {a.notes && <span className="small"><em>{t("Notas", "Notes")}:</em> {a.notes}</span>}
        {a.clinicalNotes && <span className="small pre" data-testid="clinical-notes"><em>{t("Notas clínicas del médico", "Doctor's clinical notes")}:</em> {a.clinicalNotes}</span>}
        {a.status === "CANCELLED" && <span className="small" data-testid="cancellation-reason"><em>{t("Motivo de cancelación", "Cancellation reason")}:</em> {a.cancellationReason?.trim() || t("sin motivo", "none given")}</span>}
      </div>
      <StatusBadge status={a.status} />
      <div className="actions">
        {a.status === "SCHEDULED" && <button type="button" onClick={() => setStatus("CONFIRMED")} disabled={m.busy}>{t("Confirmar", "Confirm")}</button>}
        {canClose(a) && <>
          <button type="button" onClick={() => setStatus("COMPLETED")} disabled={m.busy}>{t("Completar", "Complete")}</button>
          <button type="button" onClick={() => setStatus("NO_SHOW")} disabled={m.busy}>{t("No asistió", "No-show")}</button>
        </>}
        <button type="button" onClick={() => toggle("notes")} aria-expanded={mode === "notes"}>{t("Notas", "Notes")}</button>
        {active && <button type="button" onClick={() => toggle("reason")} aria-expanded={mode === "reason"}>{t("Editar motivo", "Edit reason")}</button>}
        {active && a.canModify && <button type="button" onClick={() => toggle("reschedule")} aria-expanded={mode === "reschedule"}>{t("Cambiar", "Reschedule")}</button>}
        {active && a.canModify && <button type="button" className="danger" onClick={() => toggle("cancel")} aria-expanded={mode === "cancel"}>{t("Cancelar cita", "Cancel")}</button>}
      </div>
      {mode === "notes" && (
        <div className="confirm-box">
          <TextArea label={t("Notas internas", "Internal notes")} value={notes} onChange={(e) => setNotes(e.target.value)} error={m.field("notes")} />
          <button type="button" className="primary" onClick={() => setStatus(a.status)} disabled={m.busy}>{t("Guardar notas", "Save notes")}</button>
        </div>
      )}
      {mode === "reason" && (
        <div className="confirm-box">
          <TextArea label={t("Motivo de la consulta", "Reason for the visit")} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} error={m.field("reason")} />
          <button type="button" className="primary" onClick={saveReason} disabled={m.busy || reason.trim() === ""}>{t("Guardar motivo", "Save reason")}</button>
        </div>
      )}
      {mode === "reschedule" && (
        <div className="confirm-box">
          <SlotPicker doctorId={a.doctor.id} date={date} onDate={(d) => { setDate(d); setTime(null); }} time={time} onTime={setTime} />
          <button type="button" className="primary" onClick={reschedule} disabled={!time || m.busy}>{t("Confirmar cambio", "Confirm new time")}</button>
        </div>
      )}
      {mode === "cancel" && (
        <div className="confirm-box" role="group" aria-label={t("Confirmar cancelación", "Confirm cancellation")}>
          <TextField label={t("Motivo de la cancelación (opcional)", "Cancellation reason (optional)")} maxLength={1000} value={cancelReason}
            onChange={(e) => setCancelReason(e.target.value)} error={m.field("reason")} />
          <button type="button" className="danger" onClick={cancel} disabled={m.busy}>{t("Sí, cancelar", "Yes, cancel")}</button>
        </div>
      )}
      <FormError error={m.error} />
    </li>
  );
}
