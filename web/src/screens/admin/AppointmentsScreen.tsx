// Staff: appointments across days, filtered by dates, doctor, patient and
// status, 25 a page (keyset: the API's cursors), the same filter as CSV.
import { useState } from "react";
import { request } from "../../api/client";
import { DoctorOptionsDocument, PatientOptionsDocument, StaffAppointmentsDocument } from "../../generated/StaffAppointments";
import { ExportAppointmentsDocument } from "../../generated/Reports";
import type { AppointmentFilter, AppointmentStatus } from "../../generated/schema-types";
import { isoDate, statusLabel, useI18n } from "../../i18n";
import { Checkbox, Empty, FormError, Loading, Pager, SelectField, TextField, allPages, downloadText, useKeysetPages, useMutation, useQuery, useToast } from "../../ui/kit";
import { StaffAppointmentCard } from "./StaffAppointment";

const PAGE = 25;
const statuses: AppointmentStatus[] = ["SCHEDULED", "CONFIRMED", "COMPLETED", "CANCELLED", "NO_SHOW"];

export function useDoctorOptions() {
  return useQuery(() => allPages(async (after) => (await request(DoctorOptionsDocument, { after })).doctors), []);
}

/** A patient chosen by searching name, email or phone; "" means any patient. */
export function PatientPicker({ value, onChange, allLabel }: { value: string; onChange: (id: string) => void; allLabel: string }) {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const q = useQuery(() => (search.trim() ? request(PatientOptionsDocument, { search: search.trim() }) : Promise.resolve(null)), [search]);
  const options = q.data?.patients.nodes ?? [];
  return (
    <>
      <TextField label={t("Buscar paciente", "Search patient")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      <SelectField label={t("Paciente", "Patient")} value={value} onChange={(e) => onChange(e.target.value)}
        hint={(q.data?.patients.totalCount ?? 0) > options.length
          ? t(`${options.length} de ${q.data?.patients.totalCount} coincidencias: escribe más para acotar.`, `${options.length} of ${q.data?.patients.totalCount} matches: type more to narrow.`)
          : undefined}>
        <option value="">{allLabel}</option>
        {options.map((p) => <option key={p.id} value={p.id}>{p.user.fullName}{p.user.email ? ` <${p.user.email}>` : ""}</option>)}
      </SelectField>
    </>
  );
}

export function AppointmentsScreen() {
  const { t } = useI18n();
  const toast = useToast();
  const [from, setFrom] = useState(isoDate());
  const [to, setTo] = useState(isoDate(30));
  const [doctorId, setDoctorId] = useState("");
  const [patientId, setPatientId] = useState("");
  const [status, setStatus] = useState<AppointmentStatus[]>([]);
  const filter: AppointmentFilter = {
    from: from || null, to: to || null, doctorId: doctorId || null, patientId: patientId || null, status: status.length > 0 ? status : null,
  };
  const key = JSON.stringify(filter);
  const pages = useKeysetPages(async (after) => (await request(StaffAppointmentsDocument, { filter, first: PAGE, after })).appointments, [key]);
  const doctors = useDoctorOptions();
  const exp = useMutation();
  const download = async () => {
    const r = await exp.run(() => request(ExportAppointmentsDocument, { filter }));
    if (!r) return;
    downloadText(r.exportAppointments, `citas-${from || "inicio"}-${to || "fin"}.csv`);
    const rows = Math.max(0, r.exportAppointments.trim().split("\n").length - 1);
    toast(t(`CSV descargado (${rows} filas).`, `CSV downloaded (${rows} rows).`));
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("Citas", "Appointments")}</h1>
        <button type="button" className="primary" onClick={download} disabled={exp.busy}>{t("Descargar CSV", "Download CSV")}</button>
      </div>
      <form className="panel filters" onSubmit={(e) => e.preventDefault()} aria-label={t("Filtros", "Filters")}>
        <TextField label={t("Desde", "From")} type="date" value={from} max={to || undefined} onChange={(e) => setFrom(e.target.value)} />
        <TextField label={t("Hasta", "To")} type="date" value={to} min={from || undefined} onChange={(e) => setTo(e.target.value)} />
        <SelectField label={t("Médico", "Doctor")} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
          <option value="">{t("Todos los médicos", "All doctors")}</option>
          {(doctors.data ?? []).map((d) => <option key={d.id} value={d.id}>{d.user.fullName} — {d.specialization}</option>)}
        </SelectField>
        <PatientPicker value={patientId} onChange={setPatientId} allLabel={t("Todos los pacientes", "All patients")} />
        <fieldset className="statuses">
          <legend>{t("Estado", "Status")}</legend>
          {statuses.map((s) => (
            <Checkbox key={s} label={statusLabel(t, s)} checked={status.includes(s)}
              onChange={(on) => setStatus(on ? [...status, s] : status.filter((x) => x !== s))} />
          ))}
        </fieldset>
      </form>
      <FormError error={exp.error} />
      {pages.loading ? <Loading /> : pages.error ? <FormError error={pages.error} /> : pages.nodes.length === 0 ? <Empty>{t("Ninguna cita coincide.", "No appointment matches.")}</Empty> : (
        <ul className="cards" data-testid="appointment-list">
          {pages.nodes.map((a) => <StaffAppointmentCard key={a.id + a.updatedAt} a={a} onChange={pages.reload} showDate />)}
        </ul>
      )}
      <Pager pages={pages} pageSize={PAGE} />
    </>
  );
}
