// What a link from an appointment message opens (/a/<token>), signed in or
// not: the appointment as the message showed it and the link's one action.
// Opening the page only reads the link (Query.appointmentLink never uses it
// up); the token is spent by the action's button, so a reschedule can look
// at free times first.
import { useState } from "react";
import { request } from "../../api/client";
import type { ApiError } from "../../api/client";
import { AppointmentLinkDocument, CancelByLinkDocument, ConfirmByLinkDocument, RescheduleByLinkDocument } from "../../generated/Link";
import type { LinkViewFragment } from "../../generated/Link";
import { errorText, formatDate, useI18n } from "../../i18n";
import type { I18n } from "../../i18n";
import { Link } from "../../router";
import { Loading, StatusBadge, TextField, useMutation, useQuery } from "../../ui/kit";
import { SlotPicker } from "../patient/SlotPicker";

/** Why a link does not work, said plainly (extensions.reason of the API's refusals). */
function refusalText(t: I18n["t"], e: ApiError): string {
  switch (e.reason) {
    case "LINK_INVALID": return t("Este enlace no es válido. Compruebe que lo copió completo.", "This link is not valid. Check that it was copied whole.");
    case "LINK_USED": return t("Este enlace ya se usó. Cada enlace sirve una sola vez.", "This link has already been used. Each link works once.");
    case "LINK_EXPIRED": return t("Este enlace caducó: servía hasta la hora de la cita.", "This link has expired: it worked until the appointment's time.");
    case "LINK_SUPERSEDED": return t("La cita cambió de hora después de enviarse este enlace; use los enlaces del mensaje más reciente.",
      "The appointment moved after this link was sent; use the links in the newest message.");
    case "APPOINTMENT_NOT_ACTIVE": return t("Esta cita ya no está activa (cancelada o terminada); el enlace no sirve.",
      "This appointment is no longer active (cancelled or over); the link no longer works.");
    case "LINK_WRONG_ACTION": return t("Este enlace no sirve para esta acción.", "This link is not for this action.");
  }
  return errorText(t, e.code, e.message);
}

function problemText(t: I18n["t"], view: LinkViewFragment): string | null {
  if (view.canAct || !view.problem) return null;
  if (view.action === "CONFIRM") return t("Esta cita ya está confirmada.", view.problem);
  return t("Ya no se puede cambiar ni cancelar en línea: faltan menos horas que el plazo de cancelación. Llame a la clínica.", view.problem);
}

export function LinkScreen({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const opened = useQuery(() => request(AppointmentLinkDocument, { token }), [token]);
  const [done, setDone] = useState<{ view: LinkViewFragment; message: string } | null>(null);
  const view = done?.view ?? opened.data?.appointmentLink ?? null;
  if (opened.loading) return <Loading />;
  if (opened.error || !view) {
    return (
      <section className="link-screen" data-testid="link-screen">
        <h1>{t("Enlace de su cita", "Your appointment link")}</h1>
        <p className="form-error" role="alert" data-testid="link-error">{opened.error ? refusalText(t, opened.error) : ""}</p>
        <p><Link to="/login">{t("Entrar a su cuenta", "Sign in to your account")}</Link></p>
      </section>
    );
  }
  const a = view.appointment;
  const titles: Record<string, [string, string]> = {
    VIEW: ["Su cita", "Your appointment"], CONFIRM: ["Confirmar asistencia", "Confirm attendance"],
    RESCHEDULE: ["Cambiar la hora", "Choose another time"], CANCEL: ["Cancelar la cita", "Cancel the appointment"],
  };
  const title = titles[view.action] ?? titles.VIEW;
  const problem = problemText(t, view);
  return (
    <section className="link-screen" data-testid="link-screen" data-action={view.action}>
      <h1>{t(title[0], title[1])}</h1>
      <div className="card appointment" data-testid="link-appointment">
        <div className="card-main">
          <strong>{formatDate(lang, a.date)} · {a.time}</strong>
          <span>{a.doctorName} — {a.clinicName}</span>
          <span className="muted">{t("Código de cita", "Appointment code")}: {a.code}</span>
        </div>
        <StatusBadge status={a.status} />
      </div>
      {done ? <p className="notice" role="status" data-testid="link-done">{done.message}</p>
        : problem ? <p className="muted" data-testid="link-problem">{problem}</p>
        : view.canAct ? <LinkAction token={token} view={view} onDone={(v, message) => setDone({ view: v, message })} /> : null}
    </section>
  );
}

function LinkAction({ token, view, onDone }: { token: string; view: LinkViewFragment; onDone: (v: LinkViewFragment, message: string) => void }) {
  const { t } = useI18n();
  const m = useMutation();
  const [date, setDate] = useState(view.appointment.date);
  const [time, setTime] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const error = m.error ? <p className="form-error" role="alert" data-testid="link-error">{refusalText(t, m.error)}</p> : null;
  switch (view.action) {
    case "CONFIRM": {
      const confirm = async () => {
        const r = await m.run(() => request(ConfirmByLinkDocument, { token }));
        if (r) onDone(r.confirmAppointmentByLink, t("Gracias: su asistencia quedó confirmada.", "Thank you: your attendance is confirmed."));
      };
      return <div className="actions">{error}<button type="button" className="primary" onClick={confirm} disabled={m.busy}>{t("Confirmar que asistiré", "Confirm I will attend")}</button></div>;
    }
    case "CANCEL": {
      const cancel = async () => {
        const r = await m.run(() => request(CancelByLinkDocument, { token, reason: reason.trim() || null }));
        if (r) onDone(r.cancelAppointmentByLink, t("Su cita quedó cancelada.", "Your appointment is cancelled."));
      };
      return (
        <div className="confirm-box" role="group" aria-label={t("Confirmar cancelación", "Confirm cancellation")}>
          <TextField label={t("Motivo de la cancelación (opcional)", "Cancellation reason (optional)")} maxLength={1000} value={reason}
            onChange={(e) => setReason(e.target.value)} error={m.field("reason")} />
          {error}
          <button type="button" className="danger" onClick={cancel} disabled={m.busy}>{t("Sí, cancelar la cita", "Yes, cancel the appointment")}</button>
        </div>
      );
    }
    case "RESCHEDULE": {
      const move = async () => {
        if (!time) return;
        const r = await m.run(() => request(RescheduleByLinkDocument, { token, date, time }));
        if (r) onDone(r.rescheduleAppointmentByLink, t("Su cita cambió de hora.", "Your appointment has moved."));
      };
      return (
        <div className="confirm-box">
          <SlotPicker doctorId={view.appointment.doctorId} date={date} onDate={(d) => { setDate(d); setTime(null); }} time={time} onTime={setTime} />
          {error}
          <button type="button" className="primary" onClick={move} disabled={!time || m.busy}>{t("Cambiar a esta hora", "Move to this time")}</button>
        </div>
      );
    }
  }
  return null;
}
