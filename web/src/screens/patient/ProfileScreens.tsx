import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { ChangePasswordDocument, MyProfileDocument, UpdatePatientProfileDocument, UpdateProfileDocument } from "../../generated/Profile";
import { MyNotificationsDocument } from "../../generated/Notifications";
import type { Gender } from "../../generated/schema-types";
import { formatDateTime, useI18n } from "../../i18n";
import { Checkbox, Empty, FormError, Loading, MoreButton, SelectField, TextArea, TextField, useMutation, usePaged, useQuery, useToast } from "../../ui/kit";

export function Profile() {
  const { t } = useI18n();
  const toast = useToast();
  const q = useQuery(() => request(MyProfileDocument, {}), []);
  const me = q.data?.me;
  const [u, setU] = useState({ firstName: "", lastName: "", phone: "", notifyByEmail: true, notifyBySms: false, locale: "es" });
  const [p, setP] = useState({ dateOfBirth: "", gender: "UNDISCLOSED" as Gender, address: "", emergencyContact: "", emergencyPhone: "", medicalHistory: "", allergies: "" });
  const [pw, setPw] = useState({ currentPassword: "", newPassword: "" });
  useEffect(() => {
    if (!me) return;
    setU({ firstName: me.firstName, lastName: me.lastName, phone: me.phone ?? "", notifyByEmail: me.notifyByEmail, notifyBySms: me.notifyBySms, locale: me.locale });
    if (me.patient) {
      const x = me.patient;
      setP({ dateOfBirth: x.dateOfBirth ?? "", gender: x.gender, address: x.address, emergencyContact: x.emergencyContact, emergencyPhone: x.emergencyPhone, medicalHistory: x.medicalHistory, allergies: x.allergies });
    }
  }, [me]);
  const mu = useMutation();
  const mp = useMutation();
  const mw = useMutation();
  if (q.loading && !q.data) return <Loading />;
  if (q.error || !me) return <FormError error={q.error} />;
  const saveUser = async (e: FormEvent) => {
    e.preventDefault();
    if (await mu.run(() => request(UpdateProfileDocument, { input: { ...u, phone: u.phone || null } }))) toast(t("Perfil guardado.", "Profile saved."));
  };
  const savePatient = async (e: FormEvent) => {
    e.preventDefault();
    if (await mp.run(() => request(UpdatePatientProfileDocument, { input: { ...p, dateOfBirth: p.dateOfBirth || null } }))) toast(t("Datos médicos guardados.", "Medical data saved."));
  };
  const savePw = async (e: FormEvent) => {
    e.preventDefault();
    if (await mw.run(() => request(ChangePasswordDocument, pw))) {
      toast(t("Contraseña cambiada.", "Password changed."));
      setPw({ currentPassword: "", newPassword: "" });
    }
  };
  const sp = (k: keyof typeof p) => (e: { target: { value: string } }) => setP({ ...p, [k]: e.target.value });
  return (
    <>
      <h1>{t("Mi perfil", "My profile")}</h1>
      <form className="panel grid2" onSubmit={saveUser} noValidate aria-labelledby="contact-h">
        <h2 id="contact-h" className="span2">{t("Datos de contacto", "Contact details")} <small className="muted">{me.email}</small></h2>
        <TextField label={t("Nombre", "First name")} value={u.firstName} onChange={(e) => setU({ ...u, firstName: e.target.value })} error={mu.field("firstName")} />
        <TextField label={t("Apellidos", "Last name")} value={u.lastName} onChange={(e) => setU({ ...u, lastName: e.target.value })} error={mu.field("lastName")} />
        <TextField label={t("Teléfono", "Phone")} type="tel" value={u.phone} onChange={(e) => setU({ ...u, phone: e.target.value })} error={mu.field("phone")} />
        <LocaleField value={u.locale} onChange={(locale) => setU({ ...u, locale })} error={mu.field("locale")} />
        <fieldset>
          <legend>{t("Recordatorios", "Reminders")}</legend>
          <Checkbox label={t("Por correo", "By email")} checked={u.notifyByEmail} onChange={(v) => setU({ ...u, notifyByEmail: v })} />
          <Checkbox label={t("Por SMS", "By SMS")} checked={u.notifyBySms} onChange={(v) => setU({ ...u, notifyBySms: v })} />
        </fieldset>
        <div className="span2"><FormError error={mu.error} /><button className="primary" disabled={mu.busy}>{t("Guardar", "Save")}</button></div>
      </form>
      {me.patient && (
        <form className="panel grid2" onSubmit={savePatient} noValidate aria-labelledby="med-h">
          <h2 id="med-h" className="span2">{t("Datos médicos", "Medical data")}</h2>
          <TextField label={t("Fecha de nacimiento", "Date of birth")} type="date" value={p.dateOfBirth} onChange={sp("dateOfBirth")} error={mp.field("dateOfBirth")} />
          <SelectField label={t("Género", "Gender")} value={p.gender} onChange={sp("gender")}>
            <option value="FEMALE">{t("Femenino", "Female")}</option><option value="MALE">{t("Masculino", "Male")}</option>
            <option value="OTHER">{t("Otro", "Other")}</option><option value="UNDISCLOSED">{t("Prefiero no decir", "Prefer not to say")}</option>
          </SelectField>
          <TextField label={t("Dirección", "Address")} value={p.address} onChange={sp("address")} error={mp.field("address")} />
          <TextField label={t("Contacto de emergencia", "Emergency contact")} value={p.emergencyContact} onChange={sp("emergencyContact")} error={mp.field("emergencyContact")} />
          <TextField label={t("Teléfono de emergencia", "Emergency phone")} value={p.emergencyPhone} onChange={sp("emergencyPhone")} error={mp.field("emergencyPhone")} />
          <TextArea className="span2" label={t("Antecedentes médicos", "Medical history")} value={p.medicalHistory} onChange={sp("medicalHistory")} error={mp.field("medicalHistory")} />
          <TextArea label={t("Alergias", "Allergies")} value={p.allergies} onChange={sp("allergies")} error={mp.field("allergies")} />
          <div className="span2"><FormError error={mp.error} /><button className="primary" disabled={mp.busy}>{t("Guardar", "Save")}</button></div>
        </form>
      )}
      <form className="panel grid2" onSubmit={savePw} noValidate aria-labelledby="pw-h">
        <h2 id="pw-h" className="span2">{t("Cambiar contraseña", "Change password")}</h2>
        <TextField label={t("Contraseña actual", "Current password")} type="password" autoComplete="current-password" value={pw.currentPassword}
          onChange={(e) => setPw({ ...pw, currentPassword: e.target.value })} error={mw.field("currentPassword")} />
        <TextField label={t("Nueva contraseña", "New password")} type="password" autoComplete="new-password" value={pw.newPassword}
          onChange={(e) => setPw({ ...pw, newPassword: e.target.value })} error={mw.field("newPassword")} />
        <div className="span2"><FormError error={mw.error} /><button className="primary" disabled={mw.busy}>{t("Cambiar", "Change")}</button></div>
      </form>
    </>
  );
}

export function Notifications() {
  const { t, lang } = useI18n();
  const q = usePaged(async (after) => (await request(MyNotificationsDocument, { first: 50, after })).notifications, []);
  return (
    <>
      <h1>{t("Notificaciones", "Notifications")}</h1>
      {q.loading ? <Loading /> : q.error ? <FormError error={q.error} /> : q.nodes.length === 0 ?
        <Empty>{t("No tienes notificaciones.", "You have no notifications.")}</Empty> : (
          <ul className="cards">
            {q.nodes.map((n) => (
              <li key={n.id} className="card">
                <div className="card-main">
                  <strong>{n.subject}</strong>
                  <span className="muted small">{formatDateTime(lang, n.sentAt ?? n.scheduledAt)} · {n.channel === "EMAIL" ? t("Correo", "Email") : "SMS"}</span>
                  <span className="pre">{n.body}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      <MoreButton paged={q} />
    </>
  );
}

/** The language of the user's emails and SMS (users.locale). */
export function LocaleField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string }) {
  const { t } = useI18n();
  return (
    <SelectField label={t("Idioma de correos y SMS", "Language of emails and SMS")} name="locale" value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="es">Español</option>
      <option value="en">English</option>
    </SelectField>
  );
}
