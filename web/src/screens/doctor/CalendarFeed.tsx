// The doctor's private calendar feed: the URL to paste into a calendar app,
// a copy button, and a new URL when the old one may have leaked (the old one
// stops working at once, so the doctor re-subscribes with the new one).
import { useState } from "react";
import { request } from "../../api/client";
import { MyCalendarFeedDocument, RotateCalendarFeedDocument } from "../../generated/CalendarFeed";
import { useI18n } from "../../i18n";
import { FormError, Loading, TextField, useMutation, useQuery, useToast } from "../../ui/kit";

export function CalendarFeedScreen() {
  const { t } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(MyCalendarFeedDocument, {}), []);
  const m = useMutation();
  const [confirming, setConfirming] = useState(false);
  const url = q.data?.me?.doctor?.calendarFeedUrl ?? null;
  const rotate = async () => {
    setConfirming(false);
    if (await m.run(() => request(RotateCalendarFeedDocument, {}))) {
      toast(url ? t("Dirección nueva creada; la anterior ya no funciona.", "New address created; the old one no longer works.")
                : t("Dirección creada.", "Address created."));
      q.reload();
    }
  };
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      toast(t("Dirección copiada.", "Address copied."));
    } catch {
      // Without clipboard access (plain http, permissions) the text is selected for a manual copy.
      document.querySelector<HTMLInputElement>("[data-testid=calendar-feed-url]")?.select();
    }
  };
  if (q.loading) return <Loading />;
  return (
    <>
      <h1>{t("Suscripción de calendario", "Calendar subscription")}</h1>
      <section className="panel column">
        <p>{t("Añada esta dirección a su aplicación de calendario (Google Calendar: «Otros calendarios → Desde URL»; Apple: «Nueva suscripción de calendario»). Muestra sus citas desde 30 días atrás hasta 180 días adelante, con el nombre del paciente y sin motivo ni notas clínicas; se actualiza cada vez que la aplicación la consulta.",
          "Add this address to your calendar app (Google Calendar: “Other calendars → From URL”; Apple: “New calendar subscription”). It shows your appointments from 30 days back to 180 days ahead, with the patient's name and without reason or clinical notes; it updates whenever the app checks it.")}</p>
        <p className="muted small">{t("Quien tenga la dirección puede ver su agenda: no la comparta. Si se filtró, cree una nueva: la anterior deja de funcionar en el acto.",
          "Anyone holding the address can see your schedule: do not share it. If it leaked, create a new one: the old one stops working at once.")}</p>
        {url ? (
          <div className="row">
            <TextField label={t("Dirección privada", "Private address")} data-testid="calendar-feed-url" readOnly value={url}
              onFocus={(e) => e.target.select()} />
            <button type="button" onClick={copy}>{t("Copiar", "Copy")}</button>
          </div>
        ) : <p data-testid="calendar-feed-none">{t("Aún no tiene una dirección.", "You have no address yet.")}</p>}
        <FormError error={m.error ?? q.error} />
        <div className="row">
          {!url ? <button className="primary" data-testid="calendar-feed-create" disabled={m.busy} onClick={rotate}>{t("Crear dirección", "Create address")}</button>
            : confirming ? <>
              <span>{t("¿Crear una dirección nueva? La actual dejará de funcionar.", "Create a new address? The current one will stop working.")}</span>
              <button className="primary" data-testid="calendar-feed-rotate-confirm" disabled={m.busy} onClick={rotate}>{t("Sí, crear nueva", "Yes, create new")}</button>
              <button type="button" onClick={() => setConfirming(false)}>{t("Cancelar", "Cancel")}</button>
            </> : <button type="button" data-testid="calendar-feed-rotate" onClick={() => setConfirming(true)}>{t("Crear una dirección nueva", "Create a new address")}</button>}
        </div>
      </section>
    </>
  );
}
