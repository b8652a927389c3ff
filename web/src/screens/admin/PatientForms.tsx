// The front desk's patient forms: register a caller or walk-in (no email
// needed; the account can be claimed later) and edit a patient's profile,
// contact data and staff notes. Both answer CONFLICT for a patient already
// registered with the same phone and date of birth, shown with the form.
import { useState } from "react";
import type { FormEvent } from "react";
import { request } from "../../api/client";
import { RegisterPatientDocument, UpdatePatientDocument } from "../../generated/StaffAppointments";
import type { StaffPatientQuery } from "../../generated/StaffAppointments";
import { useI18n } from "../../i18n";
import { navigate } from "../../router";
import { FormError, TextArea, TextField, useMutation, useToast } from "../../ui/kit";
import { LocaleField } from "../patient/ProfileScreens";

type Fields = { firstName: string; lastName: string; phone: string; dateOfBirth: string; email: string; notes: string; locale: string };
type Mutation = ReturnType<typeof useMutation>;

function PatientFields({ f, setF, m, emailHint }: { f: Fields; setF: (f: Fields) => void; m: Mutation; emailHint: string }) {
  const { t } = useI18n();
  const set = (k: keyof Fields) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <>
      <TextField label={t("Nombre", "First name")} name="firstName" required value={f.firstName} onChange={set("firstName")} error={m.field("firstName")} />
      <TextField label={t("Apellidos", "Last name")} name="lastName" required value={f.lastName} onChange={set("lastName")} error={m.field("lastName")} />
      <TextField label={t("Teléfono", "Phone")} name="phone" type="tel" required value={f.phone} onChange={set("phone")} error={m.field("phone")}
        hint={t("Con código de país, p. ej. +52 55 1234 5678", "With the country code, e.g. +52 55 1234 5678")} />
      <TextField label={t("Fecha de nacimiento", "Date of birth")} name="dateOfBirth" type="date" required value={f.dateOfBirth} onChange={set("dateOfBirth")} error={m.field("dateOfBirth")} />
      <TextField label={t("Correo electrónico", "Email")} name="email" type="email" value={f.email} onChange={set("email")} error={m.field("email")} hint={emailHint} />
      <LocaleField value={f.locale} onChange={(locale) => setF({ ...f, locale })} error={m.field("locale")} />
      <TextArea label={t("Notas de recepción", "Front-desk notes")} name="notes" className="span2" maxLength={10000} value={f.notes} onChange={set("notes")} error={m.field("notes")} />
    </>
  );
}

export function RegisterPatientForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState<Fields>({ firstName: "", lastName: "", phone: "", dateOfBirth: "", email: "", notes: "", locale: "es" });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await m.run(() => request(RegisterPatientDocument, { input: { ...f, email: f.email.trim() || null } }));
    if (r) {
      toast(t("Paciente registrado.", "Patient registered."));
      navigate(`/admin/patients/${encodeURIComponent(r.registerPatient.id)}`);
    }
  };
  return (
    <form className="panel grid2" onSubmit={submit} noValidate aria-labelledby="new-patient-h" data-testid="register-patient">
      <h2 id="new-patient-h" className="span2">{t("Nuevo paciente", "New patient")}</h2>
      <PatientFields f={f} setF={setF} m={m}
        emailHint={t("Opcional: sin correo el paciente no puede entrar hasta que se le invite.", "Optional: without one the patient cannot sign in until invited.")} />
      <div className="span2">
        <FormError error={m.error} />
        <button className="primary" disabled={m.busy}>{t("Registrar paciente", "Register patient")}</button>
        <button type="button" onClick={onCancel}>{t("Cerrar", "Close")}</button>
      </div>
    </form>
  );
}

type Patient = NonNullable<StaffPatientQuery["patient"]>;

export function EditPatientForm({ p, onSaved }: { p: Patient; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [f, setF] = useState<Fields>({
    firstName: p.user.firstName, lastName: p.user.lastName, phone: p.user.phone ?? "", dateOfBirth: p.dateOfBirth ?? "",
    email: p.user.email ?? "", notes: p.notes ?? "", locale: p.user.locale,
  });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const email = f.email.trim();
    // An empty date of birth is one still unknown (createUser without one): left out, it stays so.
    const input = { ...f, phone: f.phone.trim() || null, email: email || undefined, dateOfBirth: f.dateOfBirth || undefined };
    if (!email) delete input.email;
    if (await m.run(() => request(UpdatePatientDocument, { id: p.id, input }))) {
      toast(t("Datos del paciente guardados.", "Patient details saved."));
      onSaved();
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t("Editar paciente", "Edit patient")} className="editor grid2" data-testid="edit-patient">
      <PatientFields f={f} setF={setF} m={m}
        emailHint={p.user.email ? t("El correo con el que entra; no se puede quitar.", "The address they sign in with; it cannot be removed.")
          : t("Al poner un correo se le puede invitar.", "With an email the patient can be invited.")} />
      <div className="span2">
        <FormError error={m.error} />
        <button className="primary" disabled={m.busy}>{t("Guardar paciente", "Save patient")}</button>
      </div>
    </form>
  );
}
