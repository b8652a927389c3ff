import { useEffect, useRef, useState } from "react";
import { request } from "../../api/client";
import { ClinicReportDocument, ExportAppointmentsDocument, SuperReportDocument } from "../../generated/Reports";
import type { ClinicReportQuery } from "../../generated/Reports";
import { isoDate, statusLabel, useI18n } from "../../i18n";
import { FormError, Loading, TextField, downloadText, useMutation, useQuery, useToast } from "../../ui/kit";

type Report = ClinicReportQuery["report"];

export function Reports({ superadmin }: { superadmin: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const [from, setFrom] = useState(isoDate(-30));
  const [to, setTo] = useState(isoDate());
  const q = useQuery(() => request(ClinicReportDocument, { from, to }), [from, to]);
  const exp = useMutation();
  const download = async () => {
    const r = await exp.run(() => request(ExportAppointmentsDocument, { filter: { from, to } }));
    if (!r) return;
    downloadText(r.exportAppointments, `citas-${from}-${to}.csv`);
    const rows = Math.max(0, r.exportAppointments.trim().split("\n").length - 1);
    toast(t(`CSV descargado (${rows} filas).`, `CSV downloaded (${rows} rows).`));
  };
  const r = q.data?.report;
  return (
    <>
      <div className="page-head">
        <h1>{t("Reportes", "Reports")}</h1>
        <div className="toolbar">
          <TextField label={t("Desde", "From")} type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
          <TextField label={t("Hasta", "To")} type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
          <button type="button" className="primary" onClick={download} disabled={exp.busy}>{t("Descargar CSV", "Download CSV")}</button>
        </div>
      </div>
      <FormError error={exp.error} />
      {q.loading && !r ? <Loading /> : q.error ? <FormError error={q.error} /> : r ? <ReportView r={r} /> : null}
      {superadmin && <AdvancedFigures from={from} to={to} />}
    </>
  );
}

function pct(x: number) {
  return `${(x * 100).toFixed(1)}%`;
}

function ReportView({ r }: { r: Report }) {
  const { t } = useI18n();
  const daily = useRef<HTMLCanvasElement>(null);
  const status = useRef<HTMLCanvasElement>(null);
  const spec = useRef<HTMLCanvasElement>(null);
  const doc = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let handles: Array<{ destroy: () => void }> = [];
    let live = true;
    import("./charts").then((c) => {
      if (!live || !daily.current || !status.current || !spec.current || !doc.current) return;
      handles = [
        c.lineChart(daily.current, r.daily.map((d) => d.date.slice(5)), [
          { label: t("Reservadas", "Booked"), data: r.daily.map((d) => d.booked) },
          { label: t("Completadas", "Completed"), data: r.daily.map((d) => d.completed) },
          { label: t("Canceladas", "Cancelled"), data: r.daily.map((d) => d.cancelled) },
          { label: t("No asistió", "No-show"), data: r.daily.map((d) => d.noShow) },
        ]),
        c.doughnutChart(status.current, r.byStatus.map((s) => statusLabel(t, s.status)), r.byStatus.map((s) => s.count)),
        c.barChart(spec.current, r.bySpecialization.map((s) => s.specialization), [
          { label: t("Citas", "Appointments"), data: r.bySpecialization.map((s) => s.appointments) },
          { label: t("Completadas", "Completed"), data: r.bySpecialization.map((s) => s.completed) },
        ]),
        c.barChart(doc.current, r.byDoctor.map((d) => d.doctor.user.fullName), [
          { label: t("Citas", "Appointments"), data: r.byDoctor.map((d) => d.appointments) },
          { label: t("Completadas", "Completed"), data: r.byDoctor.map((d) => d.completed) },
          { label: t("No asistió", "No-show"), data: r.byDoctor.map((d) => d.noShows) },
        ], true),
      ];
    });
    return () => { live = false; handles.forEach((h) => h.destroy()); };
  }, [r, t]);
  return (
    <>
      <div className="kpis">
        <div className="kpi"><span>{t("Citas", "Appointments")}</span><strong>{r.totalAppointments}</strong></div>
        <div className="kpi"><span>{t("Pacientes nuevos", "New patients")}</span><strong>{r.newPatients}</strong></div>
        <div className="kpi"><span>{t("Inasistencia", "No-show rate")}</span><strong>{pct(r.noShowRate)}</strong></div>
        <div className="kpi"><span>{t("Cancelación", "Cancellation rate")}</span><strong>{pct(r.cancellationRate)}</strong></div>
      </div>
      <div className="charts">
        <figure className="chart wide"><figcaption>{t("Serie diaria", "Daily series")}</figcaption><div className="chart-box"><canvas ref={daily} role="img" aria-label={t("Citas por día", "Appointments per day")} /></div></figure>
        <figure className="chart"><figcaption>{t("Por estado", "By status")}</figcaption><div className="chart-box"><canvas ref={status} role="img" aria-label={t("Citas por estado", "Appointments by status")} /></div></figure>
        <figure className="chart"><figcaption>{t("Por especialidad", "By specialty")}</figcaption><div className="chart-box"><canvas ref={spec} role="img" aria-label={t("Citas por especialidad", "Appointments by specialty")} /></div></figure>
        <figure className="chart wide"><figcaption>{t("Por médico", "By doctor")}</figcaption><div className="chart-box tall"><canvas ref={doc} role="img" aria-label={t("Citas por médico", "Appointments by doctor")} /></div></figure>
      </div>
      <div className="table-wrap"><table>
        <caption>{t("Por estado", "By status")}</caption>
        <thead><tr><th>{t("Estado", "Status")}</th><th>{t("Citas", "Count")}</th></tr></thead>
        <tbody>{r.byStatus.map((s) => <tr key={s.status}><td>{statusLabel(t, s.status)}</td><td>{s.count}</td></tr>)}</tbody>
      </table></div>
      <div className="table-wrap"><table data-testid="cancellations-by-reason">
        <caption>{t("Cancelaciones por motivo", "Cancellations by reason")}</caption>
        <thead><tr><th>{t("Motivo", "Reason")}</th><th>{t("Citas", "Count")}</th></tr></thead>
        <tbody>{r.cancellationsByReason.length === 0
          ? <tr><td colSpan={2}>{t("Sin cancelaciones en el periodo.", "No cancellations in the period.")}</td></tr>
          : r.cancellationsByReason.map((c) => <tr key={c.reason}><td>{c.reason || t("(sin motivo)", "(none given)")}</td><td>{c.count}</td></tr>)}</tbody>
      </table></div>
    </>
  );
}

/** Revenue and utilization, clinic-wide and per doctor (SUPERADMIN). */
function AdvancedFigures({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const q = useQuery(() => request(SuperReportDocument, { from, to }), [from, to]);
  const r = q.data?.report;
  if (q.loading && !r) return <Loading />;
  if (q.error || !r) return <FormError error={q.error} />;
  return (
    <section aria-labelledby="advanced-h" data-testid="advanced-figures">
      <h2 id="advanced-h">{t("Ingresos y ocupación", "Revenue and utilization")}</h2>
      <div className="kpis">
        <div className="kpi"><span>{t("Ingresos", "Revenue")}</span><strong data-testid="revenue">${r.revenue}</strong></div>
        <div className="kpi"><span>{t("Ocupación", "Utilization")}</span><strong data-testid="utilization">{pct(r.utilization)}</strong></div>
      </div>
      <div className="table-wrap"><table className="stack">
        <caption>{t("Por médico", "By doctor")}</caption>
        <thead><tr><th>{t("Médico", "Doctor")}</th><th>{t("Citas", "Appointments")}</th><th>{t("Completadas", "Completed")}</th><th>{t("Ingresos", "Revenue")}</th><th>{t("Ocupación", "Utilization")}</th></tr></thead>
        <tbody>{r.byDoctor.map((d) => (
          <tr key={d.doctor.id}><td>{d.doctor.user.fullName}</td><td>{d.appointments}</td><td>{d.completed}</td><td>${d.revenue}</td><td>{pct(d.utilization)}</td></tr>
        ))}</tbody>
      </table></div>
    </section>
  );
}
