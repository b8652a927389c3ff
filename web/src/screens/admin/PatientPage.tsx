// A patient at the front desk: contact and clinical summary, no-shows, upcoming
// appointments (with the staff actions) and the whole history, contact edit
// (names and phone: what updateUser lets staff change) and booking for them.
import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { StaffPatientAppointmentsDocument, StaffPatientDocument, UpdatePatientContactDocument } from "../../generated/StaffAppointments";
import type { AppointmentFilter, AppointmentOrder } from "../../generated/schema-types";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Link } from "../../router";
import { Empty, FormError, Loading, MoreButton, TextField, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";
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
  const [f, setF] = useState({ firstName: "", lastName: "", phone: "" });
  useEffect(() => { if (p) setF({ firstName: p.user.firstName, lastName: p.user.lastName, phone: p.user.phone ?? "" }); }, [p]);
  const m = useMutation();
  if (q.loading && !p) return <Loading />;
  if (q.error || !p) return <FormError error={q.error} />;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(UpdatePatientContactDocument, { id: p.user.id, input: { ...f, phone: f.phone || null } }))) {
      toast(t("Datos de contacto guardados.", "Contact details saved."));
      setEditing(false);
      q.reload();
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
            <dt>{t("Correo", "Email")}</dt><dd>{p.user.email ?? "—"}</dd>
            <dt>{t("Teléfono", "Phone")}</dt><dd data-testid="patient-phone">{p.user.phone ?? "—"}</dd>
            <dt>{t("Nacimiento", "Born")}</dt><dd>{formatDate(lang, p.dateOfBirth)}</dd>
            <dt>{t("Dirección", "Address")}</dt><dd>{p.address}</dd>
            <dt>{t("Emergencias", "Emergency")}</dt><dd>{p.emergencyContact} · {p.emergencyPhone}</dd>
            <dt>{t("Inasistencias", "No-shows")}</dt><dd data-testid="no-shows">{p.noShows.totalCount}</dd>
          </dl>
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>{t("Editar contacto", "Edit contact")}</button>
          {editing && (
            <form onSubmit={save} noValidate aria-label={t("Editar contacto", "Edit contact")} className="editor">
              <TextField label={t("Nombre", "First name")} value={f.firstName} onChange={(e) => setF({ ...f, firstName: e.target.value })} error={m.field("firstName")} />
              <TextField label={t("Apellidos", "Last name")} value={f.lastName} onChange={(e) => setF({ ...f, lastName: e.target.value })} error={m.field("lastName")} />
              <TextField label={t("Teléfono", "Phone")} type="tel" value={f.phone} onChange={(e) => setF({ ...f, phone: e.target.value })} error={m.field("phone")} />
              <FormError error={m.error} />
              <button className="primary" disabled={m.busy}>{t("Guardar contacto", "Save contact")}</button>
            </form>
          )}
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
