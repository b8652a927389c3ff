// Spanish by default, English on request: strings are written in place as t(es, en).
import { createContext, useContext } from "react";

export type Lang = "es" | "en";

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (es: string, en: string) => string;
}

export const LangContext = createContext<I18n>({ lang: "es", setLang: () => undefined, t: (es) => es });

export function useI18n(): I18n {
  return useContext(LangContext);
}

export function initialLang(): Lang {
  const saved = localStorage.getItem("clinic.lang");
  return saved === "en" ? "en" : "es";
}

const codeMessages: Record<string, [string, string]> = {
  UNAUTHENTICATED: ["Correo o contraseña incorrectos, o la sesión expiró.", "Wrong email or password, or the session expired."],
  FORBIDDEN: ["No tienes permiso para hacer esto.", "You are not allowed to do this."],
  BAD_USER_INPUT: ["Revisa los datos marcados.", "Check the highlighted fields."],
  NOT_FOUND: ["No se encontró.", "Not found."],
  CONFLICT: ["No se puede: entra en conflicto con otro dato (p. ej. horario ocupado).", "Not possible: it conflicts with existing data (e.g. slot taken)."],
  RATE_LIMITED: ["Demasiados intentos. Espera un momento.", "Too many attempts. Please wait a moment."],
  NETWORK: ["No hay conexión con el servidor.", "Cannot reach the server."],
  SERVICE_UNAVAILABLE: ["El servicio está ocupado o no disponible. Inténtalo de nuevo en unos segundos.", "The service is busy or unavailable. Try again in a few seconds."],
  INTERNAL_SERVER_ERROR: ["Error inesperado del servidor.", "Unexpected server error."],
};

/** "2 hours" → "2 horas" (the server's durations in the booking rules' messages). */
function esDuration(d: string): string {
  return d.replace(/\bminutes?\b/, (w) => (w.endsWith("s") ? "minutos" : "minuto")).replace(/\bhours?\b/, (w) => (w.endsWith("s") ? "horas" : "hora"))
    .replace(/\bdays?\b/, (w) => (w.endsWith("s") ? "días" : "día"));
}

/** The booking rules' refusals (minimum notice, limits, no-shows), said plainly in either language. */
const ruleMessages: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Online bookings need at least (.+) notice/, (m) =>
    `Para reservar en línea se necesita una antelación de al menos ${esDuration(m[1])}; llama a la clínica para una hora más próxima.`],
  [/^You already have (\d+) upcoming appointments?, the most/, (m) =>
    `Ya tienes ${m[1]} cita(s) próxima(s), el máximo que se puede reservar en línea; cancela una o llama a la clínica.`],
  [/^You already have an appointment with (.+) on (\d{4}-\d{2}-\d{2}); only one/, (m) =>
    `Ya tienes una cita con ${m[1]} el ${m[2]}; en línea solo se puede reservar una por médico y día.`],
  [/^Online booking is paused after (\d+) missed appointments? in the last 12 months \(the limit is (\d+)\)/, (m) =>
    `La reserva en línea está suspendida tras ${m[1]} inasistencia(s) en los últimos 12 meses (el límite es ${m[2]}); llama a la clínica para reservar.`],
];

/** A user-facing sentence for an API error code; conflicts and forbidden actions keep the server's detail. */
export function errorText(t: I18n["t"], code: string, serverMessage?: string): string {
  for (const [pattern, spanish] of ruleMessages) {
    const match = serverMessage?.match(pattern);
    if (match && serverMessage) return t(spanish(match), serverMessage);
  }
  const m = codeMessages[code] ?? codeMessages.INTERNAL_SERVER_ERROR;
  const base = t(m[0], m[1]);
  if ((code === "CONFLICT" || code === "FORBIDDEN") && serverMessage) return `${base} (${serverMessage})`;
  return base;
}

export function formatDate(lang: Lang, date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(lang === "es" ? "es-MX" : "en-US", {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
  });
}

/** The language emails and SMS should use for a new account: the browser's, when the clinic writes in it. */
export function browserLocale(): Lang {
  return (navigator.languages?.[0] ?? navigator.language ?? "").toLowerCase().startsWith("en") ? "en" : "es";
}

// The clinic's IANA zone (Query.clinic), once loaded: instants are shown and
// "today" is computed in it, whatever zone the browser is in.
let clinicZone: string | undefined;
export function setClinicZone(zone: string | undefined) {
  try {
    if (zone) new Intl.DateTimeFormat("en", { timeZone: zone });
    clinicZone = zone;
  } catch {
    clinicZone = undefined;
  }
}

export function formatDateTime(lang: Lang, iso: string): string {
  return new Date(iso).toLocaleString(lang === "es" ? "es-MX" : "en-US", { dateStyle: "medium", timeStyle: "short", timeZone: clinicZone });
}

export function statusLabel(t: I18n["t"], status: string): string {
  switch (status) {
    case "SCHEDULED": return t("Programada", "Scheduled");
    case "CONFIRMED": return t("Confirmada", "Confirmed");
    case "COMPLETED": return t("Completada", "Completed");
    case "CANCELLED": return t("Cancelada", "Cancelled");
    case "NO_SHOW": return t("No asistió", "No-show");
    default: return status;
  }
}

/** Today's date (in the clinic's zone once known, else the browser's) as YYYY-MM-DD, shifted by `days`. */
export function isoDate(days = 0, from?: string): string {
  const base = from ? new Date(from + "T12:00:00") : clinicToday();
  base.setDate(base.getDate() + days);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${base.getFullYear()}-${p(base.getMonth() + 1)}-${p(base.getDate())}`;
}

/** Noon of the clinic's current date as a browser-local Date (date arithmetic only). */
function clinicToday(): Date {
  if (!clinicZone) return new Date();
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: clinicZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  return new Date(parts + "T12:00:00");
}
