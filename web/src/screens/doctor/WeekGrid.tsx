// A doctor's week as a grid of slots (Doctor.schedule and its `state`): free,
// booked (with the patient), time off, clinic closed, past, or beyond the booking horizon.
import { useState } from "react";
import { request } from "../../api/client";
import { DoctorWeekDocument, WeekAppointmentsDocument } from "../../generated/Doctor";
import { formatDate, isoDate, useI18n } from "../../i18n";
import { Link } from "../../router";
import { FormError, Loading, allPages, useQuery } from "../../ui/kit";

/** Monday of the week holding `date` (YYYY-MM-DD). */
export function mondayOf(date: string): string {
  const day = new Date(date + "T12:00:00").getDay();
  return isoDate(-((day + 6) % 7), date);
}

type Cell = { kind: "free" | "booked" | "off" | "closed" | "past" | "none"; label: string; patientId?: string };

export function WeekGrid({ doctorId, linkPatients }: { doctorId: string; linkPatients?: boolean }) {
  const { t, lang } = useI18n();
  const [from, setFrom] = useState(mondayOf(isoDate()));
  const to = isoDate(6, from);
  const q = useQuery(async () => {
    const [week, appointments] = await Promise.all([
      request(DoctorWeekDocument, { id: doctorId, from, to }),
      allPages(async (after) => (await request(WeekAppointmentsDocument, { id: doctorId, from, to, after })).appointments),
    ]);
    return { days: week.doctor?.schedule ?? [], appointments };
  }, [doctorId, from]);
  const days = q.data?.days ?? [];
  const times = [...new Set(days.flatMap((d) => d.slots.map((s) => s.time)))].sort();
  const booked = new Map((q.data?.appointments ?? []).map((a) => [`${a.date} ${a.time}`, a]));
  const cell = (date: string, time: string): Cell => {
    const slot = days.find((d) => d.date === date)?.slots.find((s) => s.time === time);
    if (!slot) return { kind: "none", label: "" };
    const a = booked.get(`${date} ${time}`);
    if (a) return { kind: "booked", label: a.patient.user.fullName, patientId: a.patient.id };
    switch (slot.state) {
      case "FREE": return { kind: "free", label: t("Libre", "Free") };
      case "BOOKED": return { kind: "booked", label: t("Reservado", "Booked") };
      case "TIME_OFF": return { kind: "off", label: t("Ausencia", "Time off") };
      case "CLOSED": return { kind: "closed", label: t("Cerrado", "Closed") };
      case "TOO_SOON": return { kind: "past", label: t("Muy pronto", "Too soon") };
      case "BEYOND_HORIZON": return { kind: "none", label: "" };
      default: return { kind: "past", label: t("Pasado", "Past") };
    }
  };
  return (
    <section className="week-grid" aria-label={t("Calendario semanal", "Week calendar")}>
      <div className="toolbar">
        <button type="button" onClick={() => setFrom(isoDate(-7, from))} aria-label={t("Semana anterior", "Previous week")}>‹</button>
        <button type="button" onClick={() => setFrom(mondayOf(isoDate()))}>{t("Esta semana", "This week")}</button>
        <button type="button" onClick={() => setFrom(isoDate(7, from))} aria-label={t("Semana siguiente", "Next week")}>›</button>
        <span className="legend small">
          <span className="cell-free">{t("Libre", "Free")}</span> <span className="cell-booked">{t("Reservado", "Booked")}</span>{" "}
          <span className="cell-off">{t("Ausencia", "Time off")}</span> <span className="cell-closed">{t("Cerrado", "Closed")}</span>{" "}
          <span className="cell-past">{t("Pasado", "Past")}</span>
        </span>
      </div>
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t("Semana del", "Week of") + " " + formatDate(lang, from)}>
          <table className="grid">
            <caption>{formatDate(lang, from)} – {formatDate(lang, to)}</caption>
            <thead><tr><th scope="col">{t("Hora", "Time")}</th>{days.map((d) => <th scope="col" key={d.date}>{formatDate(lang, d.date).replace(/ de \d{4}|, \d{4}/, "")}</th>)}</tr></thead>
            <tbody>
              {times.map((time) => (
                <tr key={time}>
                  <th scope="row">{time}</th>
                  {days.map((d) => {
                    const c = cell(d.date, time);
                    return (
                      <td key={d.date} className={"cell-" + c.kind} data-date={d.date} data-time={time} data-kind={c.kind}>
                        {c.kind === "booked" && linkPatients && c.patientId ? <Link to={`/doctor/patients/${encodeURIComponent(c.patientId)}`}>{c.label}</Link> : c.label}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
