// The waitlist (issue #17): a patient joins, sees and leaves their entries;
// the link of an offer message opens WaitlistOfferPage (signed in or not) to
// accept or decline it; staff see and remove every entry.
import { useState } from "react";
import { request } from "../../api/client";
import {
  AcceptWaitlistOfferDocument, DeclineWaitlistOfferDocument, JoinWaitlistDocument, LeaveWaitlistDocument, WaitlistDoctorsDocument,
  WaitlistEntriesDocument, WaitlistOfferByTokenDocument,
} from "../../generated/Waitlist";
import type { WaitlistEntryCardFragment } from "../../generated/Waitlist";
import type { PartOfDay, WaitlistStatus } from "../../generated/schema-types";
import { formatDate, formatDateTime, isoDate, useI18n } from "../../i18n";
import type { I18n } from "../../i18n";
import { Link, useLocation } from "../../router";
import { Empty, FormError, Loading, MoreButton, SelectField, TextField, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";

function partLabel(t: I18n["t"], p: string): string {
  switch (p) {
    case "MORNING": return t("Mañana (antes de las 12:00)", "Morning (before 12:00)");
    case "AFTERNOON": return t("Tarde (12:00–17:00)", "Afternoon (12:00–17:00)");
    case "EVENING": return t("Noche (desde las 17:00)", "Evening (from 17:00)");
    default: return t("Cualquier hora", "Any time");
  }
}

function statusText(t: I18n["t"], s: string): string {
  switch (s) {
    case "WAITING": return t("En espera", "Waiting");
    case "OFFERED": return t("Oferta enviada", "Offered");
    case "BOOKED": return t("Reservada", "Booked");
    case "EXPIRED": return t("Oferta vencida", "Offer expired");
    case "LEFT": return t("Retirada", "Left");
    case "ACCEPTED": return t("Aceptada", "Accepted");
    case "DECLINED": return t("Rechazada", "Declined");
    case "WITHDRAWN": return t("Retirada", "Withdrawn");
    default: return s;
  }
}

const statuses: WaitlistStatus[] = ["WAITING", "OFFERED", "BOOKED", "EXPIRED", "LEFT"];

/** One entry: what is waited for, its state, its offer; Leave while open. */
function EntryItem({ e, staff, onChange }: { e: WaitlistEntryCardFragment; staff?: boolean; onChange: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const m = useMutation();
  const open = e.status === "WAITING" || e.status === "OFFERED";
  const leave = async () => {
    if (await m.run(() => request(LeaveWaitlistDocument, { id: e.id }))) {
      toast(staff ? t("Entrada retirada de la lista.", "Entry removed from the waitlist.") : t("Saliste de la lista de espera.", "You left the waitlist."));
      onChange();
    }
  };
  const target = e.doctor ? `${e.doctor.user.fullName} — ${e.doctor.specialization}` : `${t("Cualquier médico de", "Any doctor of")} ${e.specialization ?? ""}`;
  return (
    <li className="card" data-testid="waitlist-entry" data-id={e.id} data-status={e.status}>
      <div className="card-main">
        {staff && <strong>{e.patient.user.fullName}</strong>}
        <strong>{target}</strong>
        <span>{formatDate(lang, e.firstDay)}{e.lastDay !== e.firstDay ? ` – ${formatDate(lang, e.lastDay)}` : ""} · {partLabel(t, e.partOfDay)}</span>
        {e.offer && e.status === "OFFERED" && (
          <span>{t("Te ofrecimos", "Offered")}: {formatDate(lang, e.offer.date)} · {e.offer.time} — {t("reservada hasta", "held until")} {formatDateTime(lang, e.offer.expiresAt)}</span>
        )}
        {e.appointment && <span>{t("Cita", "Appointment")}: {formatDate(lang, e.appointment.date)} · {e.appointment.time}</span>}
        <span className="muted small">{t("En la lista desde", "Joined")} {formatDateTime(lang, e.joinedAt)}</span>
      </div>
      <span className={"badge badge-" + e.status.toLowerCase()}>{statusText(t, e.status)}</span>
      {open && (
        <div className="actions">
          <button type="button" className="danger" onClick={leave} disabled={m.busy}>{staff ? t("Quitar", "Remove") : t("Salir de la lista", "Leave")}</button>
        </div>
      )}
      <FormError error={m.error} />
    </li>
  );
}

/** The patient's waitlists, and the form to join one (prefilled from `?doctor=…&date=…`). */
export function MyWaitlist() {
  const { t } = useI18n();
  const { query } = useLocation();
  const toast = useToast();
  const list = usePaged(async (after) => (await request(WaitlistEntriesDocument, { after })).waitlistEntries, []);
  const choices = useQuery(() => request(WaitlistDoctorsDocument, {}), []);
  const [by, setBy] = useState<"doctor" | "specialty">("doctor");
  const [doctorId, setDoctorId] = useState(query.get("doctor") ?? "");
  const [spec, setSpec] = useState("");
  const [first, setFirst] = useState(query.get("date") ?? isoDate(1));
  const [last, setLast] = useState(query.get("date") ?? isoDate(7));
  const [part, setPart] = useState<PartOfDay>("ANY");
  const m = useMutation();
  const join = async () => {
    const input = by === "doctor" ? { doctorId: doctorId || null, firstDay: first, lastDay: last, partOfDay: part }
      : { specialization: spec || null, firstDay: first, lastDay: last, partOfDay: part };
    if (await m.run(() => request(JoinWaitlistDocument, { input }))) {
      toast(t("Te avisaremos si se libera un horario.", "We will let you know when a time frees up."));
      list.reload();
    }
  };
  return (
    <>
      <div className="page-head">
        <h1>{t("Lista de espera", "Waitlist")}</h1>
        <Link to="/book" className="button">{t("Reservar cita", "Book an appointment")}</Link>
      </div>
      <p className="muted">{t(
        "Si ningún horario te sirve, únete a la lista: cuando se libere uno que coincida, te lo ofrecemos por correo o SMS y lo guardamos para ti unos minutos.",
        "If no time suits you, join the list: when a matching time frees up we offer it to you by email or SMS and hold it for you for a few minutes.")}</p>
      <section aria-labelledby="join-h" className="form-card">
        <h2 id="join-h">{t("Unirme a una lista de espera", "Join a waitlist")}</h2>
        {choices.loading ? <Loading /> : (
          <form onSubmit={(ev) => { ev.preventDefault(); join(); }} data-testid="waitlist-join">
            <SelectField label={t("Esperar por", "Wait for")} name="by" value={by} onChange={(ev) => setBy(ev.target.value as "doctor" | "specialty")}>
              <option value="doctor">{t("Un médico", "A doctor")}</option>
              <option value="specialty">{t("Cualquier médico de una especialidad", "Any doctor of a specialty")}</option>
            </SelectField>
            {by === "doctor" ? (
              <SelectField label={t("Médico", "Doctor")} name="doctorId" value={doctorId} onChange={(ev) => setDoctorId(ev.target.value)} error={m.field("input.doctorId")}>
                <option value="">{t("Elige…", "Choose…")}</option>
                {(choices.data?.doctors.nodes ?? []).map((d) => <option key={d.id} value={d.id}>{d.user.fullName} — {d.specialization}</option>)}
              </SelectField>
            ) : (
              <SelectField label={t("Especialidad", "Specialty")} name="specialization" value={spec} onChange={(ev) => setSpec(ev.target.value)} error={m.field("input.specialization")}>
                <option value="">{t("Elige…", "Choose…")}</option>
                {(choices.data?.specializations ?? []).map((s) => <option key={s} value={s}>{s}</option>)}
              </SelectField>
            )}
            <TextField label={t("Desde", "From")} type="date" name="firstDay" min={isoDate()} value={first} onChange={(ev) => setFirst(ev.target.value)} error={m.field("input.firstDay")} />
            <TextField label={t("Hasta", "Until")} type="date" name="lastDay" min={first} value={last} onChange={(ev) => setLast(ev.target.value)} error={m.field("input.lastDay")} />
            <SelectField label={t("Horario", "Time of day")} name="partOfDay" value={part} onChange={(ev) => setPart(ev.target.value as PartOfDay)}>
              {(["ANY", "MORNING", "AFTERNOON", "EVENING"] as PartOfDay[]).map((p) => <option key={p} value={p}>{partLabel(t, p)}</option>)}
            </SelectField>
            <FormError error={m.error && !m.error.field ? m.error : null} />
            <button type="submit" className="primary" disabled={m.busy}>{t("Unirme", "Join")}</button>
          </form>
        )}
      </section>
      <section aria-labelledby="mine-h">
        <h2 id="mine-h">{t("Mis listas de espera", "My waitlists")}</h2>
        {list.loading ? <Loading /> : list.error ? <FormError error={list.error} /> : list.nodes.length === 0 ? (
          <Empty>{t("No estás en ninguna lista de espera.", "You are not on any waitlist.")}</Empty>
        ) : <ul className="cards">{list.nodes.map((e) => <EntryItem key={e.id} e={e} onChange={list.reload} />)}</ul>}
        <MoreButton paged={list} />
      </section>
    </>
  );
}

/** Staff: every entry in join order, by state and doctor; remove an entry (its open offer is withdrawn). */
export function StaffWaitlist() {
  const { t } = useI18n();
  const [status, setStatus] = useState<WaitlistStatus | "">("WAITING");
  const [doctorId, setDoctorId] = useState("");
  const choices = useQuery(() => request(WaitlistDoctorsDocument, {}), []);
  const list = usePaged(async (after) => (await request(WaitlistEntriesDocument, {
    status: status ? [status] : null, doctorId: doctorId || null, after,
  })).waitlistEntries, [status, doctorId]);
  return (
    <>
      <h1>{t("Lista de espera", "Waitlist")}</h1>
      <div className="filters" role="group" aria-label={t("Filtros", "Filters")}>
        <SelectField label={t("Estado", "Status")} name="status" value={status} onChange={(ev) => setStatus(ev.target.value as WaitlistStatus | "")}>
          <option value="">{t("Todos", "All")}</option>
          {statuses.map((s) => <option key={s} value={s}>{statusText(t, s)}</option>)}
        </SelectField>
        <SelectField label={t("Médico", "Doctor")} name="doctorId" value={doctorId} onChange={(ev) => setDoctorId(ev.target.value)}>
          <option value="">{t("Todos", "All")}</option>
          {(choices.data?.doctors.nodes ?? []).map((d) => <option key={d.id} value={d.id}>{d.user.fullName} — {d.specialization}</option>)}
        </SelectField>
      </div>
      {list.loading ? <Loading /> : list.error ? <FormError error={list.error} /> : list.nodes.length === 0 ? (
        <Empty>{t("Nadie en la lista con estos filtros.", "Nobody on the waitlist with these filters.")}</Empty>
      ) : (
        <>
          <p className="muted" data-testid="waitlist-total">{t(`${list.totalCount} en la lista`, `${list.totalCount} on the list`)}</p>
          <ul className="cards">{list.nodes.map((e) => <EntryItem key={e.id} e={e} staff onChange={list.reload} />)}</ul>
        </>
      )}
      <MoreButton paged={list} />
    </>
  );
}

/** Opened from the offer message's link (`/waitlist-offer?token=…`), signed in or not. */
export function WaitlistOfferPage() {
  const { t, lang } = useI18n();
  const { query } = useLocation();
  const token = query.get("token") ?? "";
  const offer = useQuery(() => request(WaitlistOfferByTokenDocument, { token }), [token]);
  const m = useMutation();
  const [answer, setAnswer] = useState<string | null>(null);
  const accept = async () => {
    const r = await m.run(() => request(AcceptWaitlistOfferDocument, { token }));
    if (r) setAnswer(r.acceptWaitlistOffer.status);
  };
  const decline = async () => {
    const r = await m.run(() => request(DeclineWaitlistOfferDocument, { token }));
    if (r) setAnswer(r.declineWaitlistOffer.status);
  };
  if (offer.loading) return <Loading />;
  if (!offer.data) {
    return (
      <section className="summary" data-testid="waitlist-offer">
        <h1>{t("Oferta de la lista de espera", "Waitlist offer")}</h1>
        <FormError error={offer.error} />
      </section>
    );
  }
  const o = offer.data.waitlistOffer;
  const status = answer ?? o.status;
  return (
    <section className="summary" data-testid="waitlist-offer" data-status={status}>
      <h1>{t("Se liberó una cita para ti", "A time opened up for you")}</h1>
      <dl>
        <dt>{t("Médico", "Doctor")}</dt><dd>{o.doctorName} ({o.specialization})</dd>
        <dt>{t("Fecha", "Date")}</dt><dd>{formatDate(lang, o.date)} · {o.time}</dd>
        <dt>{t("Reservada para ti hasta", "Held for you until")}</dt><dd>{formatDateTime(lang, o.expiresAt)}</dd>
      </dl>
      {status === "OFFERED" ? (
        <div className="actions">
          <button type="button" className="primary" onClick={accept} disabled={m.busy}>{t("Aceptar la cita", "Accept the appointment")}</button>
          <button type="button" onClick={decline} disabled={m.busy}>{t("No me sirve", "Decline")}</button>
        </div>
      ) : (
        <p className="notice" role="status" data-testid="waitlist-offer-result">{status === "ACCEPTED"
          ? t("¡Listo! La cita quedó reservada. Te enviamos la confirmación.", "Done! The appointment is booked. We sent you the confirmation.")
          : status === "DECLINED" ? t("Rechazaste esta oferta; sigues en la lista de espera.", "You declined this offer; you stay on the waitlist.")
            : t("Esta oferta ya no está disponible.", "This offer is no longer available.") + ` (${statusText(t, status)})`}</p>
      )}
      <FormError error={m.error} />
    </section>
  );
}
