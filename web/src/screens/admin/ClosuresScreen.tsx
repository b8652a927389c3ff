// Clinic closures (holidays): one entry closes every doctor's slots on a day
// or a range of days. Listed from today, created, edited and removed by staff;
// the API refuses (CONFLICT, naming them) while active appointments fall in it.
import { useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { ClosureListDocument, CreateClosureDocument, RemoveClosureDocument, UpdateClosureDocument } from "../../generated/Closures";
import type { ClosureListQuery } from "../../generated/Closures";
import { EditRemoveActions } from "../../ui/cardActions";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Empty, FormError, Loading, MoreButton, TextField, useMutation, usePaged, useToast } from "../../ui/kit";

type Item = ClosureListQuery["closures"]["nodes"][number];
type Days = { firstDay: string; lastDay: string; reason: string };

function DayFields({ f, setF, field }: { f: Days; setF: (d: Days) => void; field: (n: string) => string | undefined }) {
  const { t } = useI18n();
  return (
    <div className="row">
      <TextField label={t("Primer día", "First day")} type="date" value={f.firstDay} onChange={(e) => setF({ ...f, firstDay: e.target.value })} error={field("firstDay")} />
      <TextField label={t("Último día (opcional)", "Last day (optional)")} type="date" value={f.lastDay} onChange={(e) => setF({ ...f, lastDay: e.target.value })} error={field("lastDay")} />
      <TextField label={t("Motivo del cierre", "Reason for the closure")} value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} error={field("reason")} />
    </div>
  );
}

export function ClosuresScreen() {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState<Days>({ firstDay: "", lastDay: "", reason: "" });
  const m = useMutation();
  const q = usePaged(async (after) => (await request(ClosureListDocument, { from: isoDate(), after })).closures, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(CreateClosureDocument, { input: { firstDay: f.firstDay, lastDay: f.lastDay || null, reason: f.reason } }))) {
      toast(t("Cierre registrado.", "Closure added."));
      setF({ firstDay: "", lastDay: "", reason: "" });
      q.reload();
    }
  };
  return (
    <>
      <h1>{t("Cierres de la clínica", "Clinic closures")}</h1>
      <form className="panel" onSubmit={submit} noValidate aria-label={t("Nuevo cierre", "New closure")}>
        <h2>{t("Nuevo cierre", "New closure")}</h2>
        <p className="muted small">{t("Ningún médico ofrece horarios esos días. No puede cubrir citas activas.",
          "No doctor offers slots on those days. It cannot cover active appointments.")}</p>
        <DayFields f={f} setF={setF} field={m.field} />
        <FormError error={m.error} />
        <button type="submit" className="primary" disabled={m.busy || !f.firstDay || !f.reason.trim()}>{t("Registrar cierre", "Add closure")}</button>
      </form>
      <h2>{t("Próximos cierres", "Upcoming closures")}</h2>
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ? <Empty>{t("Sin cierres.", "No closures.")}</Empty> : (
        <ul className="cards">{q.nodes.map((c) => <ClosureCard key={c.id} c={c} onChange={q.reload} />)}</ul>
      )}
      <MoreButton paged={q} />
    </>
  );
}

function ClosureCard({ c, onChange }: { c: Item; onChange: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [mode, setMode] = useState<"view" | "edit">("view");
  const [f, setF] = useState<Days>({ firstDay: c.firstDay, lastDay: c.lastDay, reason: c.reason });
  const m = useMutation();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(UpdateClosureDocument, { id: c.id, input: { firstDay: f.firstDay, lastDay: f.lastDay || f.firstDay, reason: f.reason } }))) {
      toast(t("Cierre guardado.", "Closure saved."));
      setMode("view");
      onChange();
    }
  };
  const remove = async () => {
    if (await m.run(() => request(RemoveClosureDocument, { id: c.id }))) { toast(t("Cierre quitado.", "Closure removed.")); onChange(); }
  };
  const days = c.firstDay === c.lastDay ? formatDate(lang, c.firstDay) : `${formatDate(lang, c.firstDay)} – ${formatDate(lang, c.lastDay)}`;
  return (
    <li className="card column" data-testid="closure" data-id={c.id}>
      <div className="card-main"><strong>{days}</strong><span>{c.reason}</span></div>
      <EditRemoveActions what={t(`el cierre ${days}`, `the closure ${days}`)} editing={mode === "edit"} busy={m.busy} onRemove={remove}
        onToggleEdit={() => { m.setError(null); setMode(mode === "edit" ? "view" : "edit"); }} />
      {mode === "edit" && (
        <form className="editor" onSubmit={save} noValidate aria-label={t("Editar cierre", "Edit closure")}>
          <DayFields f={f} setF={setF} field={m.field} />
          <button type="submit" className="primary" disabled={m.busy || !f.firstDay || !f.reason.trim()}>{t("Guardar cierre", "Save closure")}</button>
        </form>
      )}
      <FormError error={m.error} />
    </li>
  );
}
