import { useState } from "react";
import { request } from "../../api/client";
import { BookAppointmentDocument, DoctorsForBookingDocument, SpecializationsDocument } from "../../generated/Booking";
import { formatDate, useI18n } from "../../i18n";
import { navigate } from "../../router";
import { Empty, FormError, Loading, MoreButton, TextArea, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";
import { SlotPicker, nextWorkday } from "./SlotPicker";

/** Specialization → doctor → date → slot → reason → confirm. With `patient`, staff book for that patient. */
export function BookFlow({ patient, done }: { patient?: { id: string; name: string }; done?: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [spec, setSpec] = useState<string | null>(null);
  const [doctor, setDoctor] = useState<{ id: string; name: string; fee: string } | null>(null);
  const [date, setDate] = useState(nextWorkday());
  const [time, setTime] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const specs = useQuery(() => request(SpecializationsDocument, {}), []);
  const doctors = usePaged(async (after) => (spec ? (await request(DoctorsForBookingDocument, { specialization: spec, after })).doctors : { nodes: [], pageInfo: { hasNextPage: false } }), [spec]);
  const m = useMutation();
  const step = !spec ? 1 : !doctor ? 2 : !time ? 3 : !confirming ? 4 : 5;

  const book = async () => {
    if (!doctor || !time) return;
    const r = await m.run(() => request(BookAppointmentDocument, { input: { doctorId: doctor.id, date, time, reason, patientId: patient?.id ?? null } }));
    if (r) {
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
          <button type="button" className="primary" onClick={book} disabled={m.busy}>{t("Confirmar cita", "Confirm booking")}</button>
        </section>
      )}
    </div>
  );
}

export function BookScreen() {
  const { t } = useI18n();
  return (
    <>
      <h1>{t("Reservar cita", "Book an appointment")}</h1>
      <BookFlow />
    </>
  );
}
