import { useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { AddTimeOffDocument, CreateDoctorDocument, DoctorListDocument, PatientListDocument, SendNoticeDocument, SetWorkingHoursDocument, UpdateDoctorDocument } from "../../generated/Admin";
import type { DoctorListQuery } from "../../generated/Admin";
import { StaffAppointmentsDocument } from "../../generated/StaffAppointments";
import type { NotificationChannel } from "../../generated/schema-types";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { BookFlow } from "../patient/Book";
import { Checkbox, Empty, FormError, Loading, MoreButton, SelectField, TextArea, TextField, useMutation, usePaged, useToast } from "../../ui/kit";
import { RegisterPatientForm } from "./PatientForms";
import { StaffAppointmentCard, isActive } from "./StaffAppointment";
import { WeekGrid } from "../doctor/WeekGrid";
import { Link, useLocation } from "../../router";

export function DayBoard() {
  const { t, lang } = useI18n();
  const [date, setDate] = useState(isoDate());
  const q = usePaged(async (after) => (await request(StaffAppointmentsDocument, { filter: { from: date, to: date }, first: 100, after })).appointments, [date]);
  const items = q.nodes;
  const now = Date.now();
  const next = items.find((a) => isActive(a) && new Date(a.endsAt).getTime() > now);
  const doctors = [...new Set(items.map((a) => a.doctor.user.fullName))];
  return (
    <>
      <div className="page-head">
        <h1>{t("Agenda del día", "Day board")}</h1>
        <div className="toolbar">
          <button type="button" onClick={() => setDate(isoDate(-1, date))} aria-label={t("Día anterior", "Previous day")}>‹</button>
          <TextField label={t("Fecha", "Date")} type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
          <button type="button" onClick={() => setDate(isoDate(1, date))} aria-label={t("Día siguiente", "Next day")}>›</button>
        </div>
      </div>
      <p className="muted">{formatDate(lang, date)} · {t(`${q.totalCount} citas`, `${q.totalCount} appointments`)}</p>
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : items.length === 0 ? <Empty>{t("No hay citas este día.", "No appointments this day.")}</Empty> : (
        <div className="board">
          {doctors.map((d) => (
            <section key={d} className="board-col" aria-label={d}>
              <h2>{d}</h2>
              <ul className="cards">
                {items.filter((a) => a.doctor.user.fullName === d).map((a) => <StaffAppointmentCard key={a.id + a.updatedAt} a={a} isNext={a.id === next?.id} onChange={q.reload} />)}
              </ul>
            </section>
          ))}
        </div>
      )}
      <MoreButton paged={q} />
    </>
  );
}

function usePatientSearch(search: string) {
  return usePaged(async (after) => (await request(PatientListDocument, { search: search || null, first: 50, after })).patients, [search]);
}

export function AdminBook() {
  const { t } = useI18n();
  const { query } = useLocation();
  const [search, setSearch] = useState("");
  const preset = query.get("patient");
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(preset ? { id: preset, name: query.get("name") ?? "" } : null);
  const q = usePatientSearch(search);
  return (
    <>
      <h1>{t("Reservar para un paciente", "Book for a patient")}</h1>
      {!patient ? (
        <>
          <TextField label={t("Buscar paciente", "Search patient")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          {q.loading ? <Loading /> : (
            <ul className="cards">
              {q.nodes.map((p) => (
                <li key={p.id} className="card"><div className="card-main"><strong>{p.user.fullName}</strong><span className="muted small">{p.user.email}</span></div>
                  <button type="button" onClick={() => setPatient({ id: p.id, name: p.user.fullName })}>{t("Elegir", "Choose")}</button></li>
              ))}
            </ul>
          )}
          <MoreButton paged={q} />
        </>
      ) : (
        <>
          <p>{t("Paciente", "Patient")}: <strong>{patient.name}</strong> <button type="button" onClick={() => setPatient(null)}>{t("Cambiar", "Change")}</button></p>
          <BookFlow patient={patient} done={() => setPatient(null)} />
        </>
      )}
    </>
  );
}

export function PatientsList() {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const q = usePatientSearch(search);
  return (
    <>
      <div className="page-head">
        <h1>{t("Pacientes", "Patients")}</h1>
        <button type="button" className="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>{t("Nuevo paciente", "New patient")}</button>
      </div>
      {creating && <RegisterPatientForm onCancel={() => setCreating(false)} />}
      <TextField label={t("Buscar por nombre, teléfono o correo", "Search by name, phone or email")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ? <Empty>{t("Sin resultados.", "No results.")}</Empty> : (
        <div className="table-wrap"><table className="stack">
          <caption>{t(`${q.totalCount} pacientes`, `${q.totalCount} patients`)}</caption>
          <thead><tr><th>{t("Nombre", "Name")}</th><th>{t("Correo", "Email")}</th><th>{t("Teléfono", "Phone")}</th><th>{t("Nacimiento", "Born")}</th></tr></thead>
          <tbody>{q.nodes.map((p) => <tr key={p.id}><td><Link to={`/admin/patients/${encodeURIComponent(p.id)}`}>{p.user.fullName}</Link></td><td>{p.user.email ?? "—"}</td><td>{p.user.phone}</td><td>{p.dateOfBirth ?? "—"}</td></tr>)}</tbody>
        </table></div>
      )}
      <MoreButton paged={q} />
    </>
  );
}

type DoctorItem = DoctorListQuery["doctors"]["nodes"][number];
const weekdays: Array<[string, string]> = [["Lun", "Mon"], ["Mar", "Tue"], ["Mié", "Wed"], ["Jue", "Thu"], ["Vie", "Fri"], ["Sáb", "Sat"], ["Dom", "Sun"]];

export function DoctorsList() {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState<{ id: string; what: "hours" | "edit" | "grid" } | null>(null);
  const [creating, setCreating] = useState(false);
  const q = usePaged(async (after) => (await request(DoctorListDocument, { search: search || null, after })).doctors, [search]);
  const toggle = (id: string, what: "hours" | "edit" | "grid") => setOpen(open?.id === id && open.what === what ? null : { id, what });
  const isOpen = (id: string, what: string) => open?.id === id && open.what === what;
  return (
    <>
      <div className="page-head">
        <h1>{t("Médicos", "Doctors")}</h1>
        <button type="button" className="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>{t("Nuevo médico", "New doctor")}</button>
      </div>
      {creating && <DoctorForm onSaved={() => { setCreating(false); q.reload(); }} />}
      <TextField label={t("Buscar por nombre o especialidad", "Search by name or specialty")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : (
        <ul className="cards">
          {q.nodes.map((d) => (
            <li key={d.id} className="card column" data-testid="doctor" data-id={d.id}>
              <div className="card-main">
                <strong>{d.user.fullName}</strong>
                <span>{d.specialization} · ${d.consultationFee} · {d.isAvailable ? t("Disponible", "Available") : t("No disponible", "Unavailable")}</span>
                <span className="muted small">{d.workingHours.map((h) => `${t(...weekdays[h.weekday - 1])} ${h.start}–${h.end}`).join(", ") || t("Sin horario", "No hours")}</span>
              </div>
              <div className="actions">
                <button type="button" onClick={() => toggle(d.id, "edit")} aria-expanded={isOpen(d.id, "edit")}>{t("Editar", "Edit")}</button>
                <button type="button" onClick={() => toggle(d.id, "hours")} aria-expanded={isOpen(d.id, "hours")}>{t("Horario y ausencias", "Hours & time off")}</button>
                <button type="button" onClick={() => toggle(d.id, "grid")} aria-expanded={isOpen(d.id, "grid")}>{t("Calendario", "Calendar")}</button>
              </div>
              {isOpen(d.id, "edit") && <DoctorForm d={d} onSaved={q.reload} />}
              {isOpen(d.id, "hours") && <HoursEditor d={d} onSaved={q.reload} />}
              {isOpen(d.id, "grid") && <WeekGrid doctorId={d.id} />}
            </li>
          ))}
        </ul>
      )}
      <MoreButton paged={q} />
    </>
  );
}

/** Creates a doctor with a new account, or edits one (`d`): the fields the API lets staff set. */
function DoctorForm({ d, onSaved }: { d?: DoctorItem; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState({
    firstName: "", lastName: "", email: "", password: "", licenseNumber: d?.licenseNumber ?? "",
    specialization: d?.specialization ?? "", experienceYears: String(d?.experienceYears ?? 0), consultationFee: d?.consultationFee ?? "",
    bio: d?.bio ?? "", isAvailable: d?.isAvailable ?? true,
    bufferBeforeMinutes: String(d?.bufferBeforeMinutes ?? 0), bufferAfterMinutes: String(d?.bufferAfterMinutes ?? 0),
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const common = { specialization: f.specialization, experienceYears: Number(f.experienceYears), consultationFee: f.consultationFee, bio: f.bio,
      bufferBeforeMinutes: Number(f.bufferBeforeMinutes), bufferAfterMinutes: Number(f.bufferAfterMinutes) };
    if (d) {
      const input = { ...common, isAvailable: f.isAvailable, licenseNumber: f.licenseNumber };
      if (await m.run(() => request(UpdateDoctorDocument, { id: d.id, input }))) { toast(t("Médico guardado.", "Doctor saved.")); onSaved(); }
    } else if (await m.run(() => request(CreateDoctorDocument, { input: {
      ...common, firstName: f.firstName, lastName: f.lastName, email: f.email, password: f.password, licenseNumber: f.licenseNumber, userId: null,
    } }))) {
      toast(t("Médico creado.", "Doctor created."));
      onSaved();
    }
  };
  return (
    <form className="panel grid2 editor" onSubmit={submit} noValidate aria-label={d ? t("Editar médico", "Edit doctor") : t("Nuevo médico", "New doctor")}>
      {!d && <>
        <TextField label={t("Nombre", "First name")} value={f.firstName} onChange={set("firstName")} error={m.field("firstName")} />
        <TextField label={t("Apellidos", "Last name")} value={f.lastName} onChange={set("lastName")} error={m.field("lastName")} />
        <TextField label={t("Correo electrónico", "Email")} type="email" value={f.email} onChange={set("email")} error={m.field("email")} />
        <TextField label={t("Contraseña inicial", "Initial password")} type="password" autoComplete="new-password" value={f.password} onChange={set("password")} error={m.field("password")}
          hint={t("De 15 a 128 caracteres.", "15 to 128 characters.")} />
        <TextField label={t("Cédula profesional", "Licence number")} value={f.licenseNumber} onChange={set("licenseNumber")} error={m.field("licenseNumber")} />
      </>}
      {d && <TextField label={t("Cédula profesional", "Licence number")} value={f.licenseNumber} onChange={set("licenseNumber")} error={m.field("licenseNumber")} />}
      <TextField label={t("Especialidad", "Specialty")} value={f.specialization} onChange={set("specialization")} error={m.field("specialization")} />
      <TextField label={t("Años de experiencia", "Years of experience")} type="number" min={0} value={f.experienceYears} onChange={set("experienceYears")} error={m.field("experienceYears")} />
      <TextField label={t("Costo de consulta", "Consultation fee")} inputMode="decimal" value={f.consultationFee} onChange={set("consultationFee")} error={m.field("consultationFee")} hint="450.00" />
      <TextField label={t("Margen antes de cada cita (min)", "Buffer before each appointment (min)")} type="number" min={0} max={240} value={f.bufferBeforeMinutes} onChange={set("bufferBeforeMinutes")} error={m.field("bufferBeforeMinutes")} />
      <TextField label={t("Margen después de cada cita (min)", "Buffer after each appointment (min)")} type="number" min={0} max={240} value={f.bufferAfterMinutes} onChange={set("bufferAfterMinutes")} error={m.field("bufferAfterMinutes")} />
      <TextArea className="span2" label={t("Presentación", "Bio")} value={f.bio} onChange={set("bio")} error={m.field("bio")} />
      {d && <Checkbox label={t("Acepta citas", "Accepts appointments")} checked={f.isAvailable} onChange={(v) => setF({ ...f, isAvailable: v })} />}
      <div className="span2"><FormError error={m.error} /><button className="primary" disabled={m.busy}>{d ? t("Guardar médico", "Save doctor") : t("Crear médico", "Create doctor")}</button></div>
    </form>
  );
}

function HoursEditor({ d, onSaved }: { d: DoctorItem; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [rows, setRows] = useState(d.workingHours.map((h) => ({ weekday: h.weekday, start: h.start, end: h.end, slotMinutes: h.slotMinutes })));
  const [off, setOff] = useState({ from: "", to: "", reason: "" });
  const mh = useMutation();
  const mo = useMutation();
  const saveHours = async () => {
    if (await mh.run(() => request(SetWorkingHoursDocument, { doctorId: d.id, hours: rows }))) { toast(t("Horario guardado.", "Hours saved.")); onSaved(); }
  };
  const addOff = async (e: FormEvent) => {
    e.preventDefault();
    const iso = (v: string) => new Date(v).toISOString();
    if (await mo.run(() => request(AddTimeOffDocument, { input: { doctorId: d.id, from: iso(off.from), to: iso(off.to), reason: off.reason || null } }))) {
      toast(t("Ausencia registrada.", "Time off added."));
      setOff({ from: "", to: "", reason: "" });
    }
  };
  return (
    <div className="editor">
      <h3>{t("Horario semanal", "Weekly hours")}</h3>
      {rows.map((r, i) => (
        <div key={i} className="row">
          <SelectField label={t("Día", "Day")} value={String(r.weekday)} onChange={(e) => setRows(rows.map((x, j) => j === i ? { ...x, weekday: Number(e.target.value) } : x))}>
            {weekdays.map((w, k) => <option key={k} value={k + 1}>{t(...w)}</option>)}
          </SelectField>
          <TextField label={t("Inicio", "Start")} type="time" step={1800} value={r.start} onChange={(e) => setRows(rows.map((x, j) => j === i ? { ...x, start: e.target.value } : x))} />
          <TextField label={t("Fin", "End")} type="time" step={1800} value={r.end} onChange={(e) => setRows(rows.map((x, j) => j === i ? { ...x, end: e.target.value } : x))} />
          <TextField label={t("Minutos", "Minutes")} type="number" min={5} value={r.slotMinutes} onChange={(e) => setRows(rows.map((x, j) => j === i ? { ...x, slotMinutes: Number(e.target.value) } : x))} />
          <button type="button" className="danger" onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t("Quitar", "Remove")}</button>
        </div>
      ))}
      <button type="button" onClick={() => setRows([...rows, { weekday: 1, start: "09:00", end: "13:00", slotMinutes: 30 }])}>{t("Añadir franja", "Add block")}</button>
      <button type="button" className="primary" onClick={saveHours} disabled={mh.busy}>{t("Guardar horario", "Save hours")}</button>
      <FormError error={mh.error} />
      <form onSubmit={addOff} noValidate>
        <h3>{t("Ausencia", "Time off")}</h3>
        <div className="row">
          <TextField label={t("Desde", "From")} type="datetime-local" value={off.from} onChange={(e) => setOff({ ...off, from: e.target.value })} error={mo.field("from")} />
          <TextField label={t("Hasta", "To")} type="datetime-local" value={off.to} onChange={(e) => setOff({ ...off, to: e.target.value })} error={mo.field("to")} />
          <TextField label={t("Motivo", "Reason")} value={off.reason} onChange={(e) => setOff({ ...off, reason: e.target.value })} />
        </div>
        <FormError error={mo.error} />
        <button type="submit" disabled={mo.busy || !off.from || !off.to}>{t("Registrar ausencia", "Add time off")}</button>
      </form>
    </div>
  );
}

export function SendNotice() {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState({ appointmentsOn: isoDate(1), channel: "EMAIL" as NotificationChannel, subject: "", body: "" });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await m.run(() => request(SendNoticeDocument, { input: { ...f, userIds: null } }));
    if (r) { toast(t(`Aviso enviado a ${r.sendNotification.length} destinatarios.`, `Notice sent to ${r.sendNotification.length} recipients.`)); setF({ ...f, subject: "", body: "" }); }
  };
  return (
    <>
      <h1>{t("Enviar aviso", "Send a notice")}</h1>
      <form className="panel" onSubmit={submit} noValidate>
        <TextField label={t("Pacientes con cita el día", "Patients with an appointment on")} type="date" value={f.appointmentsOn} onChange={(e) => setF({ ...f, appointmentsOn: e.target.value })} error={m.field("appointmentsOn")} />
        <SelectField label={t("Canal", "Channel")} value={f.channel} onChange={(e) => setF({ ...f, channel: e.target.value as NotificationChannel })}>
          <option value="EMAIL">{t("Correo", "Email")}</option><option value="SMS">SMS</option>
        </SelectField>
        <TextField label={t("Asunto", "Subject")} value={f.subject} onChange={(e) => setF({ ...f, subject: e.target.value })} error={m.field("subject")} />
        <TextArea label={t("Mensaje", "Message")} value={f.body} onChange={(e) => setF({ ...f, body: e.target.value })} error={m.field("body")} />
        <FormError error={m.error} />
        <button className="primary" disabled={m.busy}>{t("Enviar", "Send")}</button>
      </form>
    </>
  );
}
