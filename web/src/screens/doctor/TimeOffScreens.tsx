// Time off: a doctor's own page (list, request, edit, remove) and the staff
// list across doctors (edit, remove). Periods are entered in the browser's
// local time (datetime-local) and sent as instants.
import { useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { DoctorListDocument } from "../../generated/Admin";
import { RemoveTimeOffDocument, RequestTimeOffDocument, TimeOffListDocument, UpdateTimeOffDocument } from "../../generated/TimeOff";
import type { TimeOffListQuery } from "../../generated/TimeOff";
import { EditRemoveActions } from "../../ui/cardActions";
import { formatDateTime, isoDate, useI18n } from "../../i18n";
import { Empty, FormError, Loading, MoreButton, SelectField, TextField, allPages, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";

type Item = TimeOffListQuery["timeOff"]["nodes"][number];

/** An instant as a datetime-local value in the browser's zone ("2026-12-01T09:30"). */
export function localInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

const instant = (local: string) => new Date(local).toISOString();

type Period = { from: string; to: string; reason: string };

function PeriodFields({ f, setF, field }: { f: Period; setF: (p: Period) => void; field: (n: string) => string | undefined }) {
  const { t } = useI18n();
  return (
    <div className="row">
      <TextField label={t("Desde", "From")} type="datetime-local" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} error={field("from")} />
      <TextField label={t("Hasta", "To")} type="datetime-local" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} error={field("to")} />
      <TextField label={t("Motivo", "Reason")} value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} error={field("reason")} />
    </div>
  );
}

/** The doctor's own time off: request a period, then see, edit and remove them. */
export function MyTimeOff() {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState<Period>({ from: "", to: "", reason: "" });
  const m = useMutation();
  const [tick, setTick] = useState(0);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(RequestTimeOffDocument, { input: { from: instant(f.from), to: instant(f.to), reason: f.reason.trim() || null } }))) {
      toast(t("Ausencia registrada.", "Time off added."));
      setF({ from: "", to: "", reason: "" });
      setTick((n) => n + 1);
    }
  };
  return (
    <>
      <h1>{t("Mis ausencias", "My time off")}</h1>
      <form className="panel" onSubmit={submit} noValidate aria-label={t("Solicitar ausencia", "Request time off")}>
        <h2>{t("Solicitar ausencia", "Request time off")}</h2>
        <p className="muted small">{t("Se registra de inmediato; no puede cubrir citas activas (cámbielas o cancélelas antes).",
          "It is recorded at once; it cannot cover active appointments (move or cancel them first).")}</p>
        <PeriodFields f={f} setF={setF} field={m.field} />
        <FormError error={m.error} />
        <button type="submit" className="primary" disabled={m.busy || !f.from || !f.to}>{t("Registrar ausencia", "Add time off")}</button>
      </form>
      <TimeOffList doctorId={null} reloadKey={tick} />
    </>
  );
}

/** Staff: every doctor's time off from today, or one doctor's. */
export function AdminTimeOff() {
  const { t } = useI18n();
  const [doctorId, setDoctorId] = useState("");
  const doctors = useQuery(() => allPages(async (after) => (await request(DoctorListDocument, { search: null, after })).doctors), []);
  return (
    <>
      <h1>{t("Ausencias de los médicos", "Doctors' time off")}</h1>
      <SelectField label={t("Médico", "Doctor")} value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
        <option value="">{t("Todos", "All")}</option>
        {(doctors.data ?? []).map((d) => <option key={d.id} value={d.id}>{d.user.fullName}</option>)}
      </SelectField>
      <TimeOffList doctorId={doctorId || null} showDoctor reloadKey={0} />
    </>
  );
}

function TimeOffList({ doctorId, showDoctor, reloadKey }: { doctorId: string | null; showDoctor?: boolean; reloadKey: number }) {
  const { t } = useI18n();
  const from = isoDate();
  const q = usePaged(async (after) => (await request(TimeOffListDocument, { doctorId, from, after })).timeOff, [doctorId, reloadKey]);
  return (
    <section aria-label={t("Ausencias", "Time off")}>
      <h2>{t("Ausencias desde hoy", "Time off from today")}</h2>
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ? <Empty>{t("Sin ausencias.", "No time off.")}</Empty> : (
        <ul className="cards">
          {q.nodes.map((o) => <TimeOffCard key={o.id} o={o} showDoctor={showDoctor} onChange={q.reload} />)}
        </ul>
      )}
      <MoreButton paged={q} />
    </section>
  );
}

function TimeOffCard({ o, showDoctor, onChange }: { o: Item; showDoctor?: boolean; onChange: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [mode, setMode] = useState<"view" | "edit">("view");
  const [f, setF] = useState<Period>({ from: localInput(o.from), to: localInput(o.to), reason: o.reason ?? "" });
  const m = useMutation();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(UpdateTimeOffDocument, { id: o.id, input: { from: instant(f.from), to: instant(f.to), reason: f.reason.trim() || null } }))) {
      toast(t("Ausencia guardada.", "Time off saved."));
      setMode("view");
      onChange();
    }
  };
  const remove = async () => {
    if (await m.run(() => request(RemoveTimeOffDocument, { id: o.id }))) { toast(t("Ausencia quitada.", "Time off removed.")); onChange(); }
  };
  const what = `${formatDateTime(lang, o.from)} – ${formatDateTime(lang, o.to)}`;
  return (
    <li className="card column" data-testid="time-off" data-id={o.id}>
      <div className="card-main">
        <strong>{what}</strong>
        {showDoctor && <span>{o.doctor.user.fullName}</span>}
        <span className="muted small">{o.reason || t("Sin motivo", "No reason")}</span>
      </div>
      <EditRemoveActions what={t(`la ausencia ${what}`, `the time off ${what}`)} editing={mode === "edit"} busy={m.busy} onRemove={remove}
        onToggleEdit={() => { m.setError(null); setMode(mode === "edit" ? "view" : "edit"); }} />
      {mode === "edit" && (
        <form className="editor" onSubmit={save} noValidate aria-label={t("Editar ausencia", "Edit time off")}>
          <PeriodFields f={f} setF={setF} field={m.field} />
          <button type="submit" className="primary" disabled={m.busy || !f.from || !f.to}>{t("Guardar ausencia", "Save time off")}</button>
        </form>
      )}
      <FormError error={m.error} />
    </li>
  );
}
