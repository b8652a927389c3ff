// A patient at the front desk: contact and clinical summary, no-shows, staff
// notes, upcoming appointments (with the staff actions) and the whole history,
// the profile and contact editor (updatePatient), the invitation of a patient
// registered without a login, and booking for them.
import { useState } from "react";
import { request } from "../../api/client";
import { InvitePatientDocument, StaffPatientAppointmentsDocument, StaffPatientDocument } from "../../generated/StaffAppointments";
import type { AppointmentFilter, AppointmentOrder } from "../../generated/schema-types";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Link } from "../../router";
import { Empty, FormError, Loading, MoreButton, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";
import { EditPatientForm } from "./PatientForms";
import { StaffAppointmentCard } from "./StaffAppointment";

function PatientAppointments({ id, filter, orderBy, empty, testId }: { id: string; filter: AppointmentFilter | null; orderBy: AppointmentOrder; empty: string; testId: string }) {
  const q = usePaged(async (after) => {
    const r = await request(StaffPatientAppointmentsDocument, { id, filter, orderBy, after });
    return r.patient?.appointments ?? { nodes: [], pageInfo: { hasNextPage: false } };
  }, [id]);
  if (q.loading) return <Loading />;
  if (q.error) return <FormError error={q.error} />;
  return (
    <>
      {q.nodes.length === 0 ? <Empty>{empty}</Empty> : (
        <ul className="cards" data-testid={testId}>
          {q.nodes.map((a) => <StaffAppointmentCard key={a.id + a.updatedAt} a={a} onChange={q.reload} showDate />)}
        </ul>
      )}
      <MoreButton paged={q} />
    </>
  );
}

export function PatientPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(StaffPatientDocument, { id }), [id]);
  const p = q.data?.patient;
  const [editing, setEditing] = useState(false);
  const invite = useMutation();
  if (q.loading && !p) return <Loading />;
  if (q.error || !p) return <FormError error={q.error} />;
  const email = p.user.email;
  const sendInvite = async () => {
    if (email && await invite.run(() => request(InvitePatientDocument, { email }))) {
      toast(t(`Invitación enviada a ${email}.`, `Invitation sent to ${email}.`));
    }
  };
  const bookHref = `/admin/book?patient=${encodeURIComponent(p.id)}&name=${encodeURIComponent(p.user.fullName)}`;
  return (
    <>
      <div className="page-head">
        <h1>{p.user.fullName}</h1>
        <Link to={bookHref} className="button primary">{t("Reservar cita", "Book an appointment")}</Link>
      </div>
      <div className="grid2">
        <section className="panel" aria-labelledby="contact-h">
          <h2 id="contact-h">{t("Contacto", "Contact")}</h2>
          <dl className="facts">
            <dt>{t("Correo", "Email")}</dt><dd data-testid="patient-email">{email ?? "—"}</dd>
            <dt>{t("Acceso", "Sign-in")}</dt><dd data-testid="patient-login">{p.user.hasLogin ? t("Tiene cuenta", "Has an account")
              : email ? t("Aún sin contraseña", "No password yet") : t("Sin cuenta (sin correo)", "No account (no email)")}</dd>
            <dt>{t("Teléfono", "Phone")}</dt><dd data-testid="patient-phone">{p.user.phone ?? "—"}</dd>
            <dt>{t("Nacimiento", "Born")}</dt><dd data-testid="patient-born">{p.dateOfBirth ? formatDate(lang, p.dateOfBirth) : t("Sin registrar", "Not recorded")}</dd>
            <dt>{t("Dirección", "Address")}</dt><dd>{p.address || "—"}</dd>
            <dt>{t("Emergencias", "Emergency")}</dt><dd>{[p.emergencyContact, p.emergencyPhone].filter(Boolean).join(" · ") || "—"}</dd>
            <dt>{t("Idioma de avisos", "Message language")}</dt><dd>{p.user.locale === "en" ? "English" : "Español"}</dd>
            <dt>{t("Inasistencias", "No-shows")}</dt><dd data-testid="no-shows">{p.noShowCount}</dd>
          </dl>
          <div className="actions">
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>{t("Editar paciente", "Edit patient")}</button>
            {!p.user.hasLogin && email && <button type="button" onClick={sendInvite} disabled={invite.busy}>{t("Enviar invitación", "Send invitation")}</button>}
          </div>
          <FormError error={invite.error} />
          {editing && <EditPatientForm p={p} onSaved={() => { setEditing(false); q.reload(); }} />}
        </section>
        <section className="panel" aria-labelledby="notes-h">
          <h2 id="notes-h">{t("Notas de recepción", "Front-desk notes")}</h2>
          <p className="pre" data-testid="patient-notes">{p.notes || t("Sin notas.", "No notes.")}</p>
        </section>
        <section className="panel" aria-labelledby="clinical-h">
          <h2 id="clinical-h">{t("Datos clínicos", "Clinical data")}</h2>
          <h3>{t("Alergias", "Allergies")}</h3><p className="pre">{p.allergies || t("Ninguna registrada.", "None recorded.")}</p>
          <h3>{t("Antecedentes", "History")}</h3><p className="pre">{p.medicalHistory || t("Sin antecedentes.", "No history.")}</p>
        </section>
      </div>
      <section aria-labelledby="upcoming-h">
        <h2 id="upcoming-h">{t("Próximas citas", "Upcoming appointments")}</h2>
        <PatientAppointments id={p.id} filter={{ from: isoDate(), status: ["SCHEDULED", "CONFIRMED"] }} orderBy={{ field: "STARTS_AT", direction: "ASC" }}
          empty={t("Sin citas próximas.", "No upcoming appointments.")} testId="upcoming" />
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">{t("Historial de citas", "Appointment history")}</h2>
        <PatientAppointments id={p.id} filter={null} orderBy={{ field: "STARTS_AT", direction: "DESC" }} empty={t("Sin citas.", "No appointments.")} testId="history" />
      </section>
    </>
  );
}
