import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import {
  AuditLogDocument, BackupScheduleDocument, BackupsDocument, CreateBackupDocument, RestoreBackupDocument, UpdateBackupScheduleDocument, CreateUserDocument, DeleteUserDocument, SettingsDocument, UpdateSettingsDocument, UpdateUserDocument, UserListDocument,
} from "../../generated/Superadmin";
import type { Role } from "../../generated/schema-types";
import { formatDateTime, useI18n } from "../../i18n";
import { Checkbox, Empty, FormError, Loading, MoreButton, SelectField, TextField, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";

const roles: Role[] = ["CLIENT", "ADMIN", "SUPERADMIN"];

export function Users() {
  const { t } = useI18n();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const [role, setRole] = useState<Role | "">("");
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const q = usePaged(async (after) => (await request(UserListDocument, { search: search || null, role: role || null, after })).users, [search, role]);
  const m = useMutation();
  const update = async (id: string, input: { role?: Role; isActive?: boolean }) => {
    if (await m.run(() => request(UpdateUserDocument, { id, input }))) { toast(t("Usuario actualizado.", "User updated.")); q.reload(); }
  };
  const remove = async (id: string) => {
    if (await m.run(() => request(DeleteUserDocument, { id }))) { toast(t("Usuario eliminado.", "User deleted.")); setDeleting(null); q.reload(); }
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("Usuarios y roles", "Users and roles")}</h1>
        <button type="button" className="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>{t("Nuevo usuario", "New user")}</button>
      </div>
      {creating && <UserForm onSaved={() => { setCreating(false); q.reload(); }} />}
      <div className="toolbar">
        <TextField label={t("Buscar", "Search")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <SelectField label={t("Rol", "Role")} value={role} onChange={(e) => setRole(e.target.value as Role | "")}>
          <option value="">{t("Todos", "All")}</option>
          {roles.map((r) => <option key={r} value={r}>{r}</option>)}
        </SelectField>
      </div>
      <FormError error={m.error} />
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ? <Empty>{t("Sin resultados.", "No results.")}</Empty> : (
        <div className="table-wrap"><table className="stack">
          <caption>{t(`${q.totalCount} usuarios`, `${q.totalCount} users`)}</caption>
          <thead><tr><th>{t("Nombre", "Name")}</th><th>{t("Correo", "Email")}</th><th>{t("Rol", "Role")}</th><th>{t("Activo", "Active")}</th><th>{t("Acciones", "Actions")}</th></tr></thead>
          <tbody>{q.nodes.map((u) => (
            <tr key={u.id} data-email={u.email ?? ""}>
              <td>{u.fullName}</td><td>{u.email}</td>
              <td><label className="sr-only" htmlFor={"role-" + u.id}>{t(`Rol de ${u.fullName}`, `Role of ${u.fullName}`)}</label>
                <select id={"role-" + u.id} value={u.role} disabled={m.busy} onChange={(e) => update(u.id, { role: e.target.value as Role })}>
                  {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                </select></td>
              <td><input type="checkbox" aria-label={t(`${u.fullName} activo`, `${u.fullName} active`)} checked={u.isActive} disabled={m.busy} onChange={(e) => update(u.id, { isActive: e.target.checked })} /></td>
              <td>{deleting === u.id ? (
                <span className="actions" role="group" aria-label={t(`Confirmar eliminación de ${u.fullName}`, `Confirm deleting ${u.fullName}`)}>
                  <button type="button" className="danger" onClick={() => remove(u.id)} disabled={m.busy}>{t("Sí, eliminar", "Yes, delete")}</button>
                  <button type="button" onClick={() => setDeleting(null)}>{t("No", "No")}</button>
                </span>
              ) : <button type="button" className="danger" onClick={() => setDeleting(u.id)} aria-label={t(`Eliminar a ${u.fullName}`, `Delete ${u.fullName}`)}>{t("Eliminar", "Delete")}</button>}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
      <MoreButton paged={q} />
    </>
  );
}

function UserForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState({ firstName: "", lastName: "", email: "", password: "", phone: "", role: "CLIENT" as Role, dateOfBirth: "" });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(CreateUserDocument, { input: { ...f, phone: f.phone || null, dateOfBirth: f.role === "CLIENT" && f.dateOfBirth ? f.dateOfBirth : null } }))) { toast(t("Usuario creado.", "User created.")); onSaved(); }
  };
  return (
    <form className="panel grid2" onSubmit={submit} noValidate aria-label={t("Nuevo usuario", "New user")}>
      <TextField label={t("Nombre", "First name")} value={f.firstName} onChange={set("firstName")} error={m.field("firstName")} />
      <TextField label={t("Apellidos", "Last name")} value={f.lastName} onChange={set("lastName")} error={m.field("lastName")} />
      <TextField label={t("Correo electrónico", "Email")} type="email" value={f.email} onChange={set("email")} error={m.field("email")} />
      <TextField label={t("Contraseña inicial", "Initial password")} type="password" autoComplete="new-password" value={f.password} onChange={set("password")} error={m.field("password")}
        hint={t("De 15 a 128 caracteres.", "15 to 128 characters.")} />
      <TextField label={t("Teléfono (opcional)", "Phone (optional)")} type="tel" value={f.phone} onChange={set("phone")} error={m.field("phone")} />
      <SelectField label={t("Rol", "Role")} value={f.role} onChange={set("role")}>
        {roles.map((r) => <option key={r} value={r}>{r}</option>)}
      </SelectField>
      {f.role === "CLIENT" && <TextField label={t("Fecha de nacimiento (paciente)", "Date of birth (patient)")} type="date" value={f.dateOfBirth}
        onChange={set("dateOfBirth")} error={m.field("dateOfBirth")} hint={t("Opcional: el usuario tiene ficha de paciente (se le pueden reservar citas) con o sin ella.", "Optional: the user gets a patient profile (and can be booked for) either way.")} />}
      <div className="span2"><FormError error={m.error} /><button className="primary" disabled={m.busy}>{t("Crear usuario", "Create user")}</button></div>
    </form>
  );
}

export function Settings() {
  const { t } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(SettingsDocument, {}), []);
  const [f, setF] = useState({ clinicName: "", timeZone: "", cancellationWindowHours: 24, bookingHorizonDays: 90, defaultSlotMinutes: 30,
    minimumNoticeMinutes: 120, maxActiveAppointmentsPerPatient: 3, onePerDoctorPerDay: true, noShowLimit: 3, doctorAlertHours: 48,
    waitlistHoldMinutes: 30, frontDeskEmail: "" });
  // Reminder lead times per channel, edited as "1440, 120" (minutes before); the longest is reminderHoursBefore.
  const [reminders, setReminders] = useState({ email: "1440, 120", sms: "1440, 120" });
  useEffect(() => {
    if (!q.data) return;
    const { emailReminderOffsetsMinutes, smsReminderOffsetsMinutes, reminderHoursBefore: _longest, ...rest } = q.data.systemSettings;
    setF({ ...rest, frontDeskEmail: rest.frontDeskEmail ?? "" });
    setReminders({ email: emailReminderOffsetsMinutes.join(", "), sms: smsReminderOffsetsMinutes.join(", ") });
  }, [q.data]);
  const m = useMutation();
  const minutes = (s: string) => s.split(/[\s,;]+/).filter((x) => x !== "").map(Number).filter((n) => Number.isFinite(n)).map(Math.round);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = { ...f, emailReminderOffsetsMinutes: minutes(reminders.email), smsReminderOffsetsMinutes: minutes(reminders.sms) };
    if (await m.run(() => request(UpdateSettingsDocument, { input }))) toast(t("Configuración guardada.", "Settings saved."));
  };
  const num = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: Number(e.target.value) });
  if (q.loading) return <Loading />;
  return (
    <>
      <h1>{t("Configuración del sistema", "System settings")}</h1>
      <form className="panel grid2" onSubmit={submit} noValidate>
        <TextField label={t("Nombre de la clínica", "Clinic name")} value={f.clinicName} onChange={(e) => setF({ ...f, clinicName: e.target.value })} error={m.field("clinicName")} />
        <TextField label={t("Zona horaria (IANA)", "Time zone (IANA)")} value={f.timeZone} onChange={(e) => setF({ ...f, timeZone: e.target.value })} error={m.field("timeZone")} />
        <TextField label={t("Plazo de cancelación (horas)", "Cancellation window (hours)")} type="number" value={f.cancellationWindowHours} onChange={num("cancellationWindowHours")} error={m.field("cancellationWindowHours")} />
        <TextField label={t("Recordatorios por correo (minutos antes)", "Email reminders (minutes before)")} value={reminders.email}
          onChange={(e) => setReminders({ ...reminders, email: e.target.value })} error={m.field("emailReminderOffsetsMinutes")} hint="1440, 120" />
        <TextField label={t("Recordatorios por SMS (minutos antes)", "SMS reminders (minutes before)")} value={reminders.sms}
          onChange={(e) => setReminders({ ...reminders, sms: e.target.value })} error={m.field("smsReminderOffsetsMinutes")} hint="1440, 120" />
        <TextField label={t("Antelación mínima para pacientes (min)", "Minimum notice for patients (min)")} type="number" value={f.minimumNoticeMinutes} onChange={num("minimumNoticeMinutes")} error={m.field("minimumNoticeMinutes")} />
        <TextField label={t("Citas futuras por paciente (máx.)", "Upcoming appointments per patient (max)")} type="number" value={f.maxActiveAppointmentsPerPatient} onChange={num("maxActiveAppointmentsPerPatient")} error={m.field("maxActiveAppointmentsPerPatient")} />
        <Checkbox label={t("Una cita por médico y día por paciente", "One appointment per doctor and day per patient")} checked={f.onePerDoctorPerDay}
          onChange={(v) => setF({ ...f, onePerDoctorPerDay: v })} />
        <TextField label={t("Inasistencias en 12 meses que bloquean la reserva en línea (0: nunca)", "No-shows in 12 months that stop online booking (0: never)")} type="number" value={f.noShowLimit} onChange={num("noShowLimit")} error={m.field("noShowLimit")} />
        <TextField label={t("Avisar al médico de cambios dentro de (horas, 0: nunca)", "Tell the doctor of changes within (hours, 0: never)")} type="number" value={f.doctorAlertHours} onChange={num("doctorAlertHours")} error={m.field("doctorAlertHours")} />
        <TextField label={t("Minutos que se guarda una oferta de la lista de espera", "Minutes a waitlist offer is held")} type="number" value={f.waitlistHoldMinutes} onChange={num("waitlistHoldMinutes")} error={m.field("waitlistHoldMinutes")} />
        <TextField label={t("Correo de recepción para esos avisos (vacío: ninguno)", "Front desk email for those alerts (empty: none)")} type="email" name="frontDeskEmail"
          value={f.frontDeskEmail} onChange={(e) => setF({ ...f, frontDeskEmail: e.target.value })} error={m.field("frontDeskEmail")} />
        <TextField label={t("Horizonte de reserva (días)", "Booking horizon (days)")} type="number" value={f.bookingHorizonDays} onChange={num("bookingHorizonDays")} error={m.field("bookingHorizonDays")} />
        <TextField label={t("Duración de turno (min)", "Default slot (min)")} type="number" value={f.defaultSlotMinutes} onChange={num("defaultSlotMinutes")} error={m.field("defaultSlotMinutes")} />
        <div className="span2"><FormError error={m.error ?? q.error} /><button className="primary" disabled={m.busy}>{t("Guardar", "Save")}</button></div>
      </form>
    </>
  );
}

export function Audit() {
  const { t, lang } = useI18n();
  const [action, setAction] = useState("");
  const q = usePaged(async (after) => (await request(AuditLogDocument, { action: action || null, after })).auditLog, [action]);
  return (
    <>
      <h1>{t("Bitácora de auditoría", "Audit log")}</h1>
      <TextField label={t("Acción (p. ej. user.role_change)", "Action (e.g. user.role_change)")} value={action} onChange={(e) => setAction(e.target.value)} />
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ? <Empty>{t("Sin entradas.", "No entries.")}</Empty> : (
        <div className="table-wrap"><table className="stack">
          <thead><tr><th>{t("Fecha", "When")}</th><th>{t("Actor", "Actor")}</th><th>{t("Acción", "Action")}</th><th>{t("Detalles", "Details")}</th><th>IP</th></tr></thead>
          <tbody>{q.nodes.map((a) => (
            <tr key={a.id}><td>{formatDateTime(lang, a.at)}</td><td>{a.actor?.fullName ?? "—"}</td><td><code>{a.action}</code></td><td className="details">{a.details}</td><td>{a.ip}</td></tr>
          ))}</tbody>
        </table></div>
      )}
      <MoreButton paged={q} />
    </>
  );
}

export function Backups() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(BackupsDocument, {}), []);
  const m = useMutation();
  const [restoring, setRestoring] = useState<{ id: string; fileName: string } | null>(null);
  const create = async () => {
    if (await m.run(() => request(CreateBackupDocument, {}))) { toast(t("Respaldo creado.", "Backup created.")); q.reload(); }
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("Respaldos", "Backups")}</h1>
        <button type="button" className="primary" onClick={create} disabled={m.busy}>{m.busy ? t("Creando…", "Creating…") : t("Crear respaldo", "Create backup")}</button>
      </div>
      <FormError error={m.error} />
      <BackupSchedulePanel />
      <h2>{t("Archivos", "Archives")}</h2>
      {q.loading && !q.data ? <Loading /> : q.error ? <FormError error={q.error} /> : (q.data?.backups.length ?? 0) === 0 ? <Empty>{t("Aún no hay respaldos.", "No backups yet.")}</Empty> : (
        <div className="table-wrap"><table className="stack">
          <thead><tr><th>{t("Archivo", "File")}</th><th>{t("Fecha", "Created")}</th><th>{t("Tamaño", "Size")}</th><th><span className="sr-only">{t("Acciones", "Actions")}</span></th></tr></thead>
          <tbody>{q.data?.backups.map((b) => <tr key={b.id}><td>{b.fileName}</td><td>{formatDateTime(lang, b.createdAt)}</td><td>{(b.sizeBytes / 1024).toFixed(0)} KB</td>
            <td><button type="button" className="danger" onClick={() => setRestoring({ id: b.id, fileName: b.fileName })} aria-label={t(`Restaurar ${b.fileName}`, `Restore ${b.fileName}`)}>{t("Restaurar…", "Restore…")}</button></td></tr>)}</tbody>
        </table></div>
      )}
      {restoring && <RestorePanel backup={restoring} onClose={() => setRestoring(null)} onRestored={q.reload} />}
    </>
  );
}

/** Restoring replaces every record: the superadmin types the archive's name to confirm. */
function RestorePanel({ backup, onClose, onRestored }: { backup: { id: string; fileName: string }; onClose: () => void; onRestored: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const m = useMutation();
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState<{ safety: string; migrations: number } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await m.run(() => request(RestoreBackupDocument, { id: backup.id, confirmation: typed }));
    if (r) {
      setDone({ safety: r.restoreBackup.safetyBackup.fileName, migrations: r.restoreBackup.migrationsApplied });
      toast(t("Respaldo restaurado.", "Backup restored."));
      onRestored();
    }
  };
  return (
    <section className="panel" aria-labelledby="restore-title">
      <h2 id="restore-title">{t("Restaurar", "Restore")} {backup.fileName}</h2>
      {done ? (
        <>
          <p role="status" data-testid="restore-done">{t(
            `Restaurado. Los datos anteriores quedaron en el respaldo de seguridad ${done.safety}: restáurelo para deshacer.`,
            `Restored. The previous data is in the safety backup ${done.safety}: restore it to undo.`)}
            {done.migrations > 0 && " " + t(`Se aplicaron ${done.migrations} migraciones.`, `${done.migrations} migrations were applied.`)}</p>
          <button type="button" onClick={onClose}>{t("Cerrar", "Close")}</button>
        </>
      ) : (
        <form onSubmit={submit}>
          <p>{t(
            "Todos los datos de la clínica (citas, pacientes, usuarios y contraseñas) se reemplazan por los del respaldo. Antes se toma un respaldo de seguridad de los datos actuales.",
            "All the clinic's data (appointments, patients, users and passwords) is replaced by the backup's. A safety backup of the current data is taken first.")}</p>
          <TextField label={t(`Escriba ${backup.fileName} para confirmar`, `Type ${backup.fileName} to confirm`)} value={typed}
            onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} error={m.error?.fieldMessage("confirmation")} />
          <FormError error={m.error && !m.error.fieldMessage("confirmation") ? m.error : null} />
          <div className="actions">
            <button type="submit" className="danger" disabled={m.busy || typed.trim() !== backup.fileName}>{m.busy ? t("Restaurando…", "Restoring…") : t("Restaurar ahora", "Restore now")}</button>
            <button type="button" onClick={onClose} disabled={m.busy}>{t("Cancelar", "Cancel")}</button>
          </div>
        </form>
      )}
    </section>
  );
}

/** The worker's daily backup: schedule, retention, and what the last runs did. */
function BackupSchedulePanel() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(BackupScheduleDocument, {}), []);
  const [f, setF] = useState({ enabled: false, time: "03:00", retentionDays: 14, retentionCount: 0 });
  useEffect(() => { if (q.data) { const s = q.data.backupSchedule; setF({ enabled: s.enabled, time: s.time, retentionDays: s.retentionDays, retentionCount: s.retentionCount }); } }, [q.data]);
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(UpdateBackupScheduleDocument, { input: f }))) { toast(t("Programación guardada.", "Schedule saved.")); q.reload(); }
  };
  const status = (s: string) => s === "SUCCEEDED" ? t("Correcto", "Succeeded") : s === "FAILED" ? t("Falló", "Failed") : t("En curso", "Running");
  const s = q.data?.backupSchedule;
  return (
    <section className="panel" aria-labelledby="backup-schedule-title">
      <h2 id="backup-schedule-title">{t("Respaldo diario", "Daily backup")}</h2>
      {q.loading && !q.data ? <Loading /> : q.error ? <FormError error={q.error} /> : (
        <>
          <p>{s?.nextRunAt ? t("Próximo: ", "Next: ") + formatDateTime(lang, s.nextRunAt) : t("Desactivado.", "Off.")}</p>
          <form className="grid2" onSubmit={submit} noValidate>
            <Checkbox label={t("Activado", "Enabled")} checked={f.enabled} onChange={(v) => setF({ ...f, enabled: v })} name="enabled" />
            <TextField label={t("Hora (hora local de la clínica)", "Time (clinic local time)")} type="time" value={f.time} onChange={(e) => setF({ ...f, time: e.target.value })} error={m.field("time")} />
            <TextField label={t("Conservar días (0: sin límite)", "Keep days (0: no limit)")} type="number" value={f.retentionDays} onChange={(e) => setF({ ...f, retentionDays: Number(e.target.value) })} error={m.field("retentionDays")} />
            <TextField label={t("Conservar archivos (0: sin límite)", "Keep archives (0: no limit)")} type="number" value={f.retentionCount} onChange={(e) => setF({ ...f, retentionCount: Number(e.target.value) })} error={m.field("retentionCount")} />
            <div className="span2"><FormError error={m.error} /><button className="primary" disabled={m.busy}>{t("Guardar programación", "Save schedule")}</button></div>
          </form>
          {(s?.runs.length ?? 0) === 0 ? <Empty>{t("Aún no se ha ejecutado.", "No scheduled run yet.")}</Empty> : (
            <div className="table-wrap"><table className="stack">
              <thead><tr><th>{t("Día", "Day")}</th><th>{t("Estado", "Status")}</th><th>{t("Inicio", "Started")}</th><th>{t("Fin", "Finished")}</th><th>{t("Tamaño", "Size")}</th><th>{t("Copia", "Copy")}</th><th>{t("Error", "Error")}</th></tr></thead>
              <tbody>{s?.runs.map((r) => (
                <tr key={r.id}><td>{r.day}</td><td>{status(r.status)}</td><td>{formatDateTime(lang, r.startedAt)}</td><td>{r.finishedAt ? formatDateTime(lang, r.finishedAt) : "—"}</td>
                  <td>{r.sizeBytes == null ? "—" : (r.sizeBytes / 1024).toFixed(0) + " KB"}</td><td>{r.copyPath ?? "—"}</td><td>{r.error ?? ""}</td></tr>
              ))}</tbody>
            </table></div>
          )}
        </>
      )}
    </section>
  );
}
