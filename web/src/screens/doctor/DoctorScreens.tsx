import { useState } from "react";
import { request } from "../../api/client";
import { DoctorAgendaDocument, PatientAppointmentsDocument, PatientChartDocument } from "../../generated/Doctor";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Link, useLocation } from "../../router";
import { Empty, FormError, Loading, MoreButton, StatusBadge, usePaged, useQuery } from "../../ui/kit";
import { VisitActions } from "./DoctorVisit";
import { WeekGrid } from "./WeekGrid";

export function DoctorAgenda({ doctorId }: { doctorId: string | null }) {
  const { t, lang } = useI18n();
  const [view, setView] = useState<"day" | "week" | "grid">("day");
  // `/doctor?date=YYYY-MM-DD` opens that day (links and the e2e use it).
  const { query } = useLocation();
  const [from, setFrom] = useState(/^\d{4}-\d{2}-\d{2}$/.test(query.get("date") ?? "") ? query.get("date")! : isoDate());
  const to = view === "day" ? from : isoDate(6, from);
  const q = usePaged(async (after) => (await request(DoctorAgendaDocument, { from, to, after })).appointments, [from, to]);
  const byDate = new Map<string, typeof q.nodes>();
  for (const a of q.nodes) byDate.set(a.date, [...(byDate.get(a.date) ?? []), a]);
  return (
    <>
      <div className="page-head">
        <h1>{t("Mi agenda", "My schedule")}</h1>
        <div className="toolbar" role="group" aria-label={t("Vista", "View")}>
          <button type="button" aria-pressed={view === "day"} onClick={() => setView("day")}>{t("Día", "Day")}</button>
          <button type="button" aria-pressed={view === "week"} onClick={() => setView("week")}>{t("Semana", "Week")}</button>
          {doctorId && <button type="button" aria-pressed={view === "grid"} onClick={() => setView("grid")}>{t("Calendario", "Calendar")}</button>}
          {view !== "grid" && <>
            <button type="button" onClick={() => setFrom(isoDate(view === "day" ? -1 : -7, from))} aria-label={t("Anterior", "Previous")}>‹</button>
            <button type="button" onClick={() => setFrom(isoDate())}>{t("Hoy", "Today")}</button>
            <button type="button" onClick={() => setFrom(isoDate(view === "day" ? 1 : 7, from))} aria-label={t("Siguiente", "Next")}>›</button>
          </>}
        </div>
      </div>
      {view === "grid" && doctorId ? <WeekGrid doctorId={doctorId} linkPatients /> : q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : byDate.size === 0 ? <Empty>{t("Sin citas en este periodo.", "No appointments in this period.")}</Empty> :
        [...byDate.entries()].map(([date, list]) => (
          <section key={date}>
            <h2>{formatDate(lang, date)}</h2>
            <ul className="cards">
              {list.map((a) => (
                <li key={a.id} className="card column" data-testid="visit" data-id={a.id}>
                  <div className="card-head">
                    <div className="card-main">
                      <strong>{a.time} · <Link to={`/doctor/patients/${encodeURIComponent(a.patient.id)}`}>{a.patient.user.fullName}</Link></strong>
                      <span className="muted">{a.reason}</span>
                    </div>
                    <StatusBadge status={a.status} />
                  </div>
                  {a.doctor.id === doctorId && <VisitActions a={a} onChange={q.reload} />}
                </li>
              ))}
            </ul>
          </section>
        ))}
      {view !== "grid" && <MoreButton paged={q} />}
    </>
  );
}

export function PatientChart({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const q = useQuery(() => request(PatientChartDocument, { id }), [id]);
  const appts = usePaged(async (after) => {
    const r = await request(PatientAppointmentsDocument, { id, after });
    return r.patient?.appointments ?? { nodes: [], pageInfo: { hasNextPage: false } };
  }, [id]);
  if (q.loading) return <Loading />;
  const p = q.data?.patient;
  if (q.error || !p) return <FormError error={q.error} />;
  return (
    <>
      <h1>{p.user.fullName}</h1>
      <div className="grid2">
        <section className="panel"><h2>{t("Alergias", "Allergies")}</h2><p className="pre">{p.allergies || t("Ninguna registrada.", "None recorded.")}</p></section>
        <section className="panel"><h2>{t("Antecedentes", "History")}</h2><p className="pre">{p.medicalHistory || t("Sin antecedentes.", "No history.")}</p>
          <p className="muted small">{t("Nacimiento", "Born")}: {p.dateOfBirth ? formatDate(lang, p.dateOfBirth) : t("sin registrar", "not recorded")}</p></section>
      </div>
      <h2>{t("Citas", "Appointments")}</h2>
      <ul className="cards">
        {appts.nodes.map((a) => (
          <li key={a.id} className="card">
            <div className="card-main"><strong>{formatDate(lang, a.date)} · {a.time}</strong><span>{a.doctor.user.fullName} — {a.doctor.specialization}</span><span className="muted">{a.reason}</span></div>
            <StatusBadge status={a.status} />
          </li>
        ))}
      </ul>
      <MoreButton paged={appts} />
    </>
  );
}
