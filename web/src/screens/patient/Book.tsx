import { useState } from "react";
import { request } from "../../api/client";
import { BookAppointmentDocument, DoctorsForBookingDocument, SpecializationsDocument } from "../../generated/Booking";
import { formatDate, useI18n } from "../../i18n";
import { Link, navigate } from "../../router";
import { Empty, FormError, Loading, MoreButton, TextArea, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";
import { SlotPicker, nextWorkday } from "./SlotPicker";

/** A booking chosen before signing in, kept for the tab until it is confirmed. */
export interface PendingBooking {
  spec: string;
  doctor: { id: string; name: string; fee: string };
  date: string;
  time: string;
  reason: string;
}

const PENDING_KEY = "clinic.pendingBooking";

export function pendingBooking(): PendingBooking | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    return raw ? (JSON.parse(raw) as PendingBooking) : null;
  } catch {
    return null;
  }
}

function setPendingBooking(b: PendingBooking | null) {
  if (b) sessionStorage.setItem(PENDING_KEY, JSON.stringify(b));
  else sessionStorage.removeItem(PENDING_KEY);
}

/**
 * Specialization → doctor → date → slot → reason → confirm. With `patient`,
 * staff book for that patient. `anonymous`: a visitor chooses everything, then
 * signs in or registers; the choice waits in sessionStorage and comes back as
 * `initial`, at the confirm step (the API checks the slot again then).
 */
export function BookFlow({ patient, done, anonymous, initial }: { patient?: { id: string; name: string }; done?: () => void; anonymous?: boolean; initial?: PendingBooking | null }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [spec, setSpec] = useState<string | null>(initial?.spec ?? null);
  const [doctor, setDoctor] = useState<{ id: string; name: string; fee: string } | null>(initial?.doctor ?? null);
  const [date, setDate] = useState(initial?.date ?? nextWorkday());
  const [time, setTime] = useState<string | null>(initial?.time ?? null);
  const [reason, setReason] = useState(initial?.reason ?? "");
  const [confirming, setConfirming] = useState(!!initial);
  const specs = useQuery(() => request(SpecializationsDocument, {}), []);
  const doctors = usePaged(async (after) => (spec ? (await request(DoctorsForBookingDocument, { specialization: spec, after })).doctors : { nodes: [], pageInfo: { hasNextPage: false } }), [spec]);
  const m = useMutation();
  const step = !spec ? 1 : !doctor ? 2 : !time ? 3 : !confirming ? 4 : 5;

  const book = async () => {
    if (!doctor || !time) return;
    const r = await m.run(() => request(BookAppointmentDocument, { input: { doctorId: doctor.id, date, time, reason, patientId: patient?.id ?? null } }));
    if (r) {
      setPendingBooking(null);
      toast(t(`Cita reservada: ${formatDate(lang, date)} ${time}`, `Appointment booked: ${formatDate(lang, date)} ${time}`));
      if (done) done(); else navigate("/appointments");
    }
  };

  return (
    <div className="booking">
      <ol className="steps" aria-label={t("Pasos", "Steps")}>
        {[t("Especialidad", "Specialty"), t("Médico", "Doctor"), t("Fecha y hora", "Date & time"), t("Motivo", "Reason"), t("Confirmar", "Confirm")].map((s, i) => (
          <li key={s} className={i + 1 === step ? "current" : i + 1 < step ? "done" : ""} aria-current={i + 1 === step ? "step" : undefined}>{s}</li>
        ))}
      </ol>

      <section aria-labelledby="spec-h">
        <h2 id="spec-h">1. {t("Especialidad", "Specialty")}</h2>
        {specs.loading ? <Loading /> : (
          <div className="chips" role="group" aria-labelledby="spec-h">
            {(specs.data?.specializations ?? []).map((s) => (
              <button type="button" key={s} className={"chip" + (spec === s ? " selected" : "")} aria-pressed={spec === s}
                onClick={() => { setSpec(s); setDoctor(null); setTime(null); setConfirming(false); }}>{s}</button>
            ))}
          </div>
        )}
      </section>

      {spec && (
        <section aria-labelledby="doc-h">
          <h2 id="doc-h">2. {t("Médico", "Doctor")}</h2>
          {doctors.loading ? <Loading /> : doctors.nodes.length === 0 ? <Empty>{t("No hay médicos disponibles.", "No doctors available.")}</Empty> : (
            <ul className="cards doctors">
              {doctors.nodes.map((d) => (
                <li key={d.id} className={"card doctor" + (doctor?.id === d.id ? " selected" : "")}>
                  <button type="button" className="card-button" aria-pressed={doctor?.id === d.id}
                    onClick={() => { setDoctor({ id: d.id, name: d.user.fullName, fee: d.consultationFee }); setTime(null); setConfirming(false); }}>
                    <strong>{d.user.fullName}</strong>
                    <span>{d.specialization} · {t(`${d.experienceYears} años de experiencia`, `${d.experienceYears} years of experience`)}</span>
                    <span className="fee">{t("Consulta", "Fee")}: ${d.consultationFee}</span>
                    {d.bio && <span className="muted">{d.bio}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <MoreButton paged={doctors} />
        </section>
      )}

      {doctor && (
        <section aria-labelledby="slot-h">
          <h2 id="slot-h">3. {t("Fecha y hora", "Date & time")}</h2>
          <SlotPicker doctorId={doctor.id} date={date} onDate={(d) => { setDate(d); setTime(null); setConfirming(false); }} time={time} onTime={(x) => { setTime(x); setConfirming(false); }} />
          {!anonymous && !patient && (
            <p className="muted small">
              <Link to={`/waitlist?doctor=${encodeURIComponent(doctor.id)}&date=${date}`}>{t("¿Ningún horario te sirve? Únete a la lista de espera", "No time suits you? Join the waitlist")}</Link>
            </p>
          )}
        </section>
      )}

      {time && (
        <section aria-labelledby="reason-h">
          <h2 id="reason-h">4. {t("Motivo de la consulta", "Reason for the visit")}</h2>
          <TextArea label={t("Motivo", "Reason")} name="reason" maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} error={m.field("reason")} />
          {!confirming && <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={reason.trim() === ""}>{t("Continuar", "Continue")}</button>}
        </section>
      )}

      {confirming && doctor && time && (
        <section aria-labelledby="confirm-h" className="summary">
          <h2 id="confirm-h">5. {t("Confirmar", "Confirm")}</h2>
          <dl>
            {patient && <><dt>{t("Paciente", "Patient")}</dt><dd>{patient.name}</dd></>}
            <dt>{t("Médico", "Doctor")}</dt><dd>{doctor.name} ({spec})</dd>
            <dt>{t("Fecha", "Date")}</dt><dd>{formatDate(lang, date)} · {time}</dd>
            <dt>{t("Costo", "Fee")}</dt><dd>${doctor.fee}</dd>
            <dt>{t("Motivo", "Reason")}</dt><dd>{reason}</dd>
          </dl>
          <FormError error={m.error} />
          {anonymous && spec ? (
            <div className="actions">
              <p className="span2">{t("Para confirmar, entra o crea tu cuenta: la reserva te espera.", "To confirm, sign in or create your account: the booking waits for you.")}</p>
              <button type="button" className="primary" onClick={() => { setPendingBooking({ spec, doctor, date, time, reason }); navigate("/register"); }}>
                {t("Crear cuenta y confirmar", "Create an account and confirm")}</button>
              <button type="button" onClick={() => { setPendingBooking({ spec, doctor, date, time, reason }); navigate("/login"); }}>
                {t("Entrar y confirmar", "Sign in and confirm")}</button>
            </div>
          ) : <button type="button" className="primary" onClick={book} disabled={m.busy}>{t("Confirmar cita", "Confirm booking")}</button>}
        </section>
      )}
    </div>
  );
}

export function BookScreen({ anonymous }: { anonymous?: boolean }) {
  const { t } = useI18n();
  const initial = anonymous ? null : pendingBooking();
  return (
    <>
      <h1>{t("Reservar cita", "Book an appointment")}</h1>
      {initial && <p className="notice" role="status">{t("Revisa y confirma la cita que elegiste.", "Check and confirm the appointment you chose.")}</p>}
      <BookFlow anonymous={anonymous} initial={initial} />
    </>
  );
}
