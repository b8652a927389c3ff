import { useState } from "react";
import { request } from "../../api/client";
import { CancelAppointmentDocument, MyPastDocument, MyUpcomingDocument, RescheduleAppointmentDocument } from "../../generated/MyAppointments";
import type { AppointmentCardFragment } from "../../generated/MyAppointments";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Link } from "../../router";
import { Empty, FormError, Loading, MoreButton, StatusBadge, TextField, useMutation, usePaged, useToast } from "../../ui/kit";
import { SlotPicker } from "./SlotPicker";

export function MyAppointments() {
  const { t } = useI18n();
  const up = usePaged(async (after) => (await request(MyUpcomingDocument, { today: isoDate(), after })).appointments, []);
  const old = usePaged(async (after) => (await request(MyPastDocument, { today: isoDate(), after })).appointments, []);
  if (up.loading || old.loading) return <Loading />;
  if (up.error || old.error) return <FormError error={up.error ?? old.error} />;
  const upcoming = up.nodes;
  const past = old.nodes.filter((a) => !upcoming.some((u) => u.id === a.id));
  const reload = () => { up.reload(); old.reload(); };
  return (
    <>
      <div className="page-head">
        <h1>{t("Mis citas", "My appointments")}</h1>
        <Link to="/book" className="button primary">{t("Reservar cita", "Book an appointment")}</Link>
      </div>
      <section aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">{t("Próximas", "Upcoming")}</h2>
        {upcoming.length === 0 ? <Empty>{t("No tienes citas próximas.", "You have no upcoming appointments.")}</Empty> :
          <ul className="cards">{upcoming.map((a) => <AppointmentItem key={a.id} a={a} onChange={reload} />)}</ul>}
        <MoreButton paged={up} />
      </section>
      <section aria-labelledby="past-h">
        <h2 id="past-h">{t("Anteriores", "Past")}</h2>
        {past.length === 0 ? <Empty>{t("Aún no hay citas anteriores.", "No past appointments yet.")}</Empty> :
          <ul className="cards">{past.map((a) => <AppointmentItem key={a.id} a={a} onChange={reload} past />)}</ul>}
        <MoreButton paged={old} />
      </section>
    </>
  );
}

function AppointmentItem({ a, onChange, past }: { a: AppointmentCardFragment; onChange: () => void; past?: boolean }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [mode, setMode] = useState<"view" | "reschedule" | "cancel">("view");
  const [date, setDate] = useState(a.date);
  const [time, setTime] = useState<string | null>(null);
  const [cancelReason, setCancelReason] = useState("");
  const m = useMutation();
  const active = a.status === "SCHEDULED" || a.status === "CONFIRMED";
  const cancel = async () => {
    if (await m.run(() => request(CancelAppointmentDocument, { id: a.id, reason: cancelReason.trim() || null }))) {
      toast(t("Cita cancelada.", "Appointment cancelled."));
      onChange();
    }
  };
  const reschedule = async () => {
    if (!time) return;
    if (await m.run(() => request(RescheduleAppointmentDocument, { id: a.id, date, time }))) {
      toast(t("Cita cambiada.", "Appointment rescheduled."));
      setMode("view");
      onChange();
    }
  };
  return (
    <li className="card appointment" data-testid="appointment" data-id={a.id}>
      <div className="card-main">
        <strong>{formatDate(lang, a.date)} · {a.time}</strong>
        <span>{a.doctor.user.fullName} — {a.doctor.specialization}</span>
        {a.reason && <span className="muted">{a.reason}</span>}
      </div>
      <StatusBadge status={a.status} />
      {!past && active && (a.canModify ? (
        mode === "view" ? (
          <div className="actions">
            <button type="button" onClick={() => setMode("reschedule")}>{t("Cambiar", "Reschedule")}</button>
            <button type="button" className="danger" onClick={() => setMode("cancel")}>{t("Cancelar cita", "Cancel")}</button>
          </div>
        ) : mode === "cancel" ? (
          <div className="confirm-box" role="group" aria-label={t("Confirmar cancelación", "Confirm cancellation")}>
            <p>{t("¿Seguro que quieres cancelar esta cita?", "Cancel this appointment?")}</p>
            <TextField label={t("Motivo de la cancelación (opcional)", "Cancellation reason (optional)")} maxLength={1000} value={cancelReason}
              onChange={(e) => setCancelReason(e.target.value)} error={m.field("reason")} />
            <button type="button" className="danger" onClick={cancel} disabled={m.busy}>{t("Sí, cancelar", "Yes, cancel")}</button>
            <button type="button" onClick={() => setMode("view")}>{t("No", "No")}</button>
            <FormError error={m.error} />
          </div>
        ) : (
          <div className="confirm-box">
            <SlotPicker doctorId={a.doctor.id} date={date} onDate={(d) => { setDate(d); setTime(null); }} time={time} onTime={setTime} />
            <button type="button" className="primary" onClick={reschedule} disabled={!time || m.busy}>{t("Confirmar cambio", "Confirm new time")}</button>
            <button type="button" onClick={() => setMode("view")}>{t("Volver", "Back")}</button>
            <FormError error={m.error} />
          </div>
        )
      ) : (
        <p className="muted small">{t("Ya no se puede cambiar ni cancelar en línea: faltan menos horas que el plazo de cancelación. Llama a la clínica.",
          "It can no longer be changed or cancelled online: it is inside the cancellation window. Please call the clinic.")}</p>
      ))}
    </li>
  );
}
