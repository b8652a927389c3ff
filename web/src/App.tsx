import { useCallback, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { hasSession, onSessionChange, request, signOut } from "./api/client";
import { ClinicInfoDocument, ViewerDocument } from "./generated/Session";
import type { ViewerQuery } from "./generated/Session";
import { LangContext, initialLang, setClinicZone } from "./i18n";
import type { I18n, Lang } from "./i18n";
import { Link, navigate, useLocation } from "./router";
import { ForgotPassword, Register, ResetPassword, SignIn } from "./screens/auth/AuthScreens";
import { MyAppointments } from "./screens/patient/Appointments";
import { BookScreen, pendingBooking } from "./screens/patient/Book";
import { Notifications, Profile } from "./screens/patient/ProfileScreens";
import { CalendarFeedScreen } from "./screens/doctor/CalendarFeed";
import { DoctorAgenda, PatientChart } from "./screens/doctor/DoctorScreens";
import { AdminTimeOff, MyTimeOff } from "./screens/doctor/TimeOffScreens";
import { ClosuresScreen } from "./screens/admin/ClosuresScreen";
import { AdminBook, DayBoard, DoctorsList, PatientsList, SendNotice } from "./screens/admin/AdminScreens";
import { AppointmentsScreen } from "./screens/admin/AppointmentsScreen";
import { PatientPage } from "./screens/admin/PatientPage";
import { Reports } from "./screens/admin/Reports";
import { Audit, Backups, Settings, Users } from "./screens/superadmin/SuperScreens";
import { MyWaitlist, StaffWaitlist, WaitlistOfferPage } from "./screens/waitlist/WaitlistScreens";
import { LinkScreen } from "./screens/link/LinkScreen";
import { Loading, ToastProvider } from "./ui/kit";

type Viewer = NonNullable<ViewerQuery["me"]>;
type NavItem = { to: string; es: string; en: string };

function navFor(v: Viewer): NavItem[] {
  const items: NavItem[] = [];
  if (v.role === "SUPERADMIN") items.push({ to: "/super/users", es: "Usuarios", en: "Users" }, { to: "/super/settings", es: "Configuración", en: "Settings" },
    { to: "/super/audit", es: "Auditoría", en: "Audit" }, { to: "/super/backups", es: "Respaldos", en: "Backups" });
  if (v.role === "ADMIN" || v.role === "SUPERADMIN") items.push({ to: "/admin/board", es: "Agenda del día", en: "Day board" }, { to: "/admin/appointments", es: "Citas", en: "Appointments" },
    { to: "/admin/book", es: "Reservar", en: "Book" },
    { to: "/admin/patients", es: "Pacientes", en: "Patients" }, { to: "/admin/doctors", es: "Médicos", en: "Doctors" },
    { to: "/admin/time-off", es: "Ausencias", en: "Time off" }, { to: "/admin/closures", es: "Cierres", en: "Closures" },
    { to: "/admin/notice", es: "Aviso", en: "Notice" }, { to: "/admin/reports", es: "Reportes", en: "Reports" },
    { to: "/admin/waitlist", es: "Lista de espera", en: "Waitlist" });
  if (v.doctor) items.push({ to: "/doctor", es: "Mi agenda", en: "My schedule" }, { to: "/doctor/time-off", es: "Mis ausencias", en: "My time off" },
    { to: "/doctor/calendar", es: "Calendario en mi teléfono", en: "Calendar on my phone" });
  if (v.patient) items.push({ to: "/appointments", es: "Mis citas", en: "My appointments" }, { to: "/book", es: "Reservar", en: "Book" },
    { to: "/waitlist", es: "Lista de espera", en: "Waitlist" });
  if (v.role === "CLIENT") items.push({ to: "/notifications", es: "Notificaciones", en: "Notifications" });
  items.push({ to: "/profile", es: "Perfil", en: "Profile" });
  return items;
}

function home(v: Viewer): string {
  if (v.role === "SUPERADMIN") return "/super/users";
  if (v.role === "ADMIN") return "/admin/board";
  if (v.doctor) return "/doctor";
  return "/appointments";
}

// "/reset-password" is the path of reset links sent before they moved to "/reset".
const resetPaths = ["/reset", "/reset-password"];
const publicPaths = ["/login", "/register", "/forgot", ...resetPaths];
// Open to visitors too: choosing a booking before signing in.
// The waitlist offer link works without signing in (its token is the credential).
const openPaths = ["/book", "/waitlist-offer"];

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang());
  const setLang = useCallback((l: Lang) => { localStorage.setItem("clinic.lang", l); setLangState(l); }, []);
  const i18n = useMemo<I18n>(() => ({ lang, setLang, t: (es, en) => (lang === "es" ? es : en) }), [lang, setLang]);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  return (
    <LangContext.Provider value={i18n}>
      <ToastProvider>
        <Shell />
      </ToastProvider>
    </LangContext.Provider>
  );
}

function Shell() {
  const { path } = useLocation();
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [checking, setChecking] = useState(hasSession());
  const loadViewer = useCallback(async () => {
    if (!hasSession()) { setViewer(null); setChecking(false); return; }
    setChecking(true);
    try {
      const r = await request(ViewerDocument, {});
      setViewer(r.me);
    } catch {
      setViewer(null);
    }
    setChecking(false);
  }, []);
  useEffect(() => { loadViewer(); }, [loadViewer]);
  // Dates and times are the clinic's: know its zone before any screen computes "today".
  const [zoneKnown, setZoneKnown] = useState(false);
  useEffect(() => {
    request(ClinicInfoDocument, {}).then((r) => setClinicZone(r.clinic.timeZone), () => undefined).finally(() => setZoneKnown(true));
  }, []);
  useEffect(() => onSessionChange(() => { if (!hasSession()) setViewer(null); }), []);

  const isPublic = publicPaths.includes(path);
  // A link from an appointment message works signed in or not, and leaves the session alone.
  const linkToken = /^\/a\/([^/]+)$/.exec(path)?.[1];
  const isOpen = openPaths.includes(path) || linkToken !== undefined;
  useEffect(() => {
    if (checking) return;
    if (!viewer && !isPublic && !isOpen) navigate("/login", true);
    else if (viewer && (isPublic || path === "/")) navigate(viewer.patient && pendingBooking() ? "/book" : home(viewer), true);
  }, [viewer, checking, isPublic, isOpen, path]);

  const signedIn = async () => { await loadViewer(); };
  if (checking || !zoneKnown) return <Frame viewer={null}><Loading /></Frame>;
  if (linkToken !== undefined) {
    return <Frame viewer={viewer}><main id="main" className="content"><LinkScreen token={linkToken} /></main></Frame>;
  }
  if (!viewer) {
    return (
      <Frame viewer={null}>
        {path === "/waitlist-offer" ? <main id="main" className="content"><WaitlistOfferPage /></main> :
          path === "/book" ? <main id="main" className="content"><BookScreen anonymous /></main> : path === "/register" ? <Register onSignedIn={signedIn} /> : path === "/forgot" ? <ForgotPassword /> : resetPaths.includes(path) ? <ResetPassword /> : <SignIn onSignedIn={signedIn} />}
      </Frame>
    );
  }
  return <Frame viewer={viewer}><main id="main" className="content">{route(path, viewer)}</main></Frame>;
}

function route(path: string, v: Viewer): ReactNode {
  const staff = v.role === "ADMIN" || v.role === "SUPERADMIN";
  const m = /^\/doctor\/patients\/(.+)$/.exec(path);
  if (m) return <PatientChart id={decodeURIComponent(m[1])} />;
  switch (path) {
    case "/appointments": return <MyAppointments />;
    case "/book": return <BookScreen />;
    case "/profile": return <Profile />;
    case "/notifications": return <Notifications />;
    case "/waitlist": if (v.patient) return <MyWaitlist />; break;
    case "/waitlist-offer": return <WaitlistOfferPage />;
    case "/doctor": return <DoctorAgenda doctorId={v.doctor?.id ?? null} />;
    case "/doctor/time-off": if (v.doctor) return <MyTimeOff />; break;
    case "/doctor/calendar": if (v.doctor) return <CalendarFeedScreen />; break;
  }
  const pm = /^\/admin\/patients\/(.+)$/.exec(path);
  if (staff && pm) return <PatientPage id={decodeURIComponent(pm[1])} />;
  if (staff) {
    switch (path) {
      case "/admin/board": return <DayBoard />;
      case "/admin/appointments": return <AppointmentsScreen />;
      case "/admin/book": return <AdminBook />;
      case "/admin/patients": return <PatientsList />;
      case "/admin/doctors": return <DoctorsList />;
      case "/admin/time-off": return <AdminTimeOff />;
      case "/admin/closures": return <ClosuresScreen />;
      case "/admin/notice": return <SendNotice />;
      case "/admin/reports": return <Reports superadmin={v.role === "SUPERADMIN"} />;
      case "/admin/waitlist": return <StaffWaitlist />;
    }
  }
  if (v.role === "SUPERADMIN") {
    switch (path) {
      case "/super/users": return <Users />;
      case "/super/settings": return <Settings />;
      case "/super/audit": return <Audit />;
      case "/super/backups": return <Backups />;
    }
  }
  return <NotFound />;
}

function NotFound() {
  return <LangContext.Consumer>{({ t }) => <p className="empty">{t("Página no encontrada.", "Page not found.")}</p>}</LangContext.Consumer>;
}

function Frame({ viewer, children }: { viewer: Viewer | null; children: ReactNode }) {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  return (
    <LangContext.Consumer>{({ t, lang, setLang }) => (
      <div className="app">
        <a className="skip" href="#main">{t("Saltar al contenido", "Skip to content")}</a>
        <header className="topbar">
          <span className="brand">{t("Clínica", "Clinic")}</span>
          {viewer && (
            <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
              {t("Menú", "Menu")}
            </button>
          )}
          {viewer && (
            <nav id="nav" className={menuOpen ? "open" : ""} aria-label={t("Principal", "Main")}>
              {navFor(viewer).map((n) => <Link key={n.to} to={n.to} current={path === n.to}>{t(n.es, n.en)}</Link>)}
            </nav>
          )}
          <div className="topbar-end">
            <button type="button" className="lang" onClick={() => setLang(lang === "es" ? "en" : "es")} aria-label={lang === "es" ? "Switch to English" : "Cambiar a español"}>
              {lang === "es" ? "EN" : "ES"}
            </button>
            {viewer && <span className="who">{viewer.firstName}</span>}
            {viewer && <button type="button" onClick={async () => { await signOut(); navigate("/login"); }}>{t("Salir", "Sign out")}</button>}
          </div>
        </header>
        {children}
      </div>
    )}</LangContext.Consumer>
  );
}
