import { useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { AddTimeOffDocument, DoctorListDocument, PatientListDocument, SendNoticeDocument, SetWorkingHoursDocument } from "../../generated/Admin";
import type { DoctorListQuery } from "../../generated/Admin";
import { StaffAppointmentsDocument } from "../../generated/StaffAppointments";
import type { NotificationChannel } from "../../generated/schema-types";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { BookFlow } from "../patient/Book";
import { Empty, FormError, Loading, MoreButton, SelectField, TextArea, TextField, useMutation, useQuery, usePaged, useToast } from "../../ui/kit";
import { StaffAppointmentCard, isActive } from "./StaffAppointment";

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
  return useQuery(() => request(PatientListDocument, { search: search || null, first: 50 }), [search]);
}

export function AdminBook() {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(null);
  const q = usePatientSearch(search);
  return (
    <>
      <h1>{t("Reservar para un paciente", "Book for a patient")}</h1>
      {!patient ? (
        <>
          <TextField label={t("Buscar paciente", "Search patient")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
          {q.loading ? <Loading /> : (
            <ul className="cards">
              {q.data?.patients.nodes.map((p) => (
                <li key={p.id} className="card"><div className="card-main"><strong>{p.user.fullName}</strong><span className="muted small">{p.user.email}</span></div>
                  <button type="button" onClick={() => setPatient({ id: p.id, name: p.user.fullName })}>{t("Elegir", "Choose")}</button></li>
              ))}
            </ul>
          )}
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
  const q = usePatientSearch(search);
  return (
    <>
      <h1>{t("Pacientes", "Patients")}</h1>
      <TextField label={t("Buscar por nombre o correo", "Search by name or email")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : (q.data?.patients.nodes.length ?? 0) === 0 ? <Empty>{t("Sin resultados.", "No results.")}</Empty> : (
        <div className="table-wrap"><table className="stack">
          <caption>{t(`${q.data?.patients.totalCount} pacientes`, `${q.data?.patients.totalCount} patients`)}</caption>
          <thead><tr><th>{t("Nombre", "Name")}</th><th>{t("Correo", "Email")}</th><th>{t("Teléfono", "Phone")}</th><th>{t("Nacimiento", "Born")}</th></tr></thead>
          <tbody>{q.data?.patients.nodes.map((p) => <tr key={p.id}><td>{p.user.fullName}</td><td>{p.user.email}</td><td>{p.user.phone}</td><td>{p.dateOfBirth}</td></tr>)}</tbody>
        </table></div>
      )}
    </>
  );
}

type DoctorItem = DoctorListQuery["doctors"]["nodes"][number];
const weekdays: Array<[string, string]> = [["Lun", "Mon"], ["Mar", "Tue"], ["Mié", "Wed"], ["Jue", "Thu"], ["Vie", "Fri"], ["Sáb", "Sat"], ["Dom", "Sun"]];

export function DoctorsList() {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const q = useQuery(() => request(DoctorListDocument, { search: search || null }), [search]);
  return (
    <>
      <h1>{t("Médicos", "Doctors")}</h1>
      <TextField label={t("Buscar por nombre o especialidad", "Search by name or specialty")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      {q.loading && !q.data ? <Loading /> : q.error ? <FormError error={q.error} /> : (
        <ul className="cards">
          {q.data?.doctors.nodes.map((d) => (
            <li key={d.id} className="card column">
              <div className="card-main">
                <strong>{d.user.fullName}</strong>
                <span>{d.specialization} · ${d.consultationFee} · {d.isAvailable ? t("Disponible", "Available") : t("No disponible", "Unavailable")}</span>
                <span className="muted small">{d.workingHours.map((h) => `${t(...weekdays[h.weekday - 1])} ${h.start}–${h.end}`).join(", ") || t("Sin horario", "No hours")}</span>
              </div>
              <button type="button" onClick={() => setEditing(editing === d.id ? null : d.id)} aria-expanded={editing === d.id}>{t("Horario y ausencias", "Hours & time off")}</button>
              {editing === d.id && <HoursEditor d={d} onSaved={q.reload} />}
            </li>
          ))}
        </ul>
      )}
    </>
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
