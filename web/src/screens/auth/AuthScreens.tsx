import { useState } from "react";
import type { FormEvent } from "react";
import { request, setSession } from "../../api/client";
import { LoginDocument, RegisterDocument, RequestPasswordResetDocument, ResetPasswordDocument } from "../../generated/Auth";
import type { Gender } from "../../generated/schema-types";
import { useI18n, browserLocale } from "../../i18n";
import { Link, navigate, useLocation } from "../../router";
import { FormError, SelectField, TextField, useMutation, useToast } from "../../ui/kit";

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await m.run(() => request(LoginDocument, { email, password }));
    if (r) {
      setSession(r.login);
      onSignedIn();
    }
  };
  return (
    <main className="auth-card" id="main">
      <h1>{t("Iniciar sesión", "Sign in")}</h1>
      <form onSubmit={submit} noValidate>
        <TextField label={t("Correo electrónico", "Email")} name="email" type="email" autoComplete="username" required
          value={email} onChange={(e) => setEmail(e.target.value)} error={m.field("email")} />
        <TextField label={t("Contraseña", "Password")} name="password" type="password" autoComplete="current-password" required
          value={password} onChange={(e) => setPassword(e.target.value)} error={m.field("password")} />
        <FormError error={m.error} />
        <button className="primary" type="submit" disabled={m.busy}>{m.busy ? t("Entrando…", "Signing in…") : t("Entrar", "Sign in")}</button>
      </form>
      <p className="auth-links">
        <Link to="/register">{t("Crear cuenta de paciente", "Register as a patient")}</Link>
        <Link to="/forgot">{t("¿Olvidaste tu contraseña?", "Forgot your password?")}</Link>
        <Link to="/book">{t("Ver horarios y reservar sin cuenta", "See free times and book before signing in")}</Link>
      </p>
    </main>
  );
}

export function Register({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({
    firstName: "", lastName: "", email: "", password: "", phone: "", dateOfBirth: "", gender: "UNDISCLOSED" as Gender,
    address: "", emergencyContact: "", emergencyPhone: "",
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await m.run(() => request(RegisterDocument, { input: { ...f, phone: f.phone || null, locale: browserLocale() } }));
    if (r) {
      setSession(r.register);
      onSignedIn();
    }
  };
  return (
    <main className="auth-card wide" id="main">
      <h1>{t("Registro de paciente", "Patient registration")}</h1>
      <form onSubmit={submit} noValidate className="grid2">
        <TextField label={t("Nombre", "First name")} name="firstName" required value={f.firstName} onChange={set("firstName")} error={m.field("firstName")} autoComplete="given-name" />
        <TextField label={t("Apellidos", "Last name")} name="lastName" required value={f.lastName} onChange={set("lastName")} error={m.field("lastName")} autoComplete="family-name" />
        <TextField label={t("Correo electrónico", "Email")} name="email" type="email" required value={f.email} onChange={set("email")} error={m.field("email")} autoComplete="email" />
        <TextField label={t("Contraseña", "Password")} name="password" type="password" required value={f.password} onChange={set("password")} error={m.field("password")}
          hint={t("De 15 a 128 caracteres; una frase es ideal.", "15 to 128 characters; a passphrase works well.")} autoComplete="new-password" />
        <TextField label={t("Teléfono (opcional)", "Phone (optional)")} name="phone" type="tel" value={f.phone} onChange={set("phone")} error={m.field("phone")} autoComplete="tel" />
        <TextField label={t("Fecha de nacimiento", "Date of birth")} name="dateOfBirth" type="date" required value={f.dateOfBirth} onChange={set("dateOfBirth")} error={m.field("dateOfBirth")} />
        <SelectField label={t("Género", "Gender")} name="gender" value={f.gender} onChange={set("gender")} error={m.field("gender")}>
          <option value="FEMALE">{t("Femenino", "Female")}</option>
          <option value="MALE">{t("Masculino", "Male")}</option>
          <option value="OTHER">{t("Otro", "Other")}</option>
          <option value="UNDISCLOSED">{t("Prefiero no decir", "Prefer not to say")}</option>
        </SelectField>
        <TextField label={t("Dirección", "Address")} name="address" required value={f.address} onChange={set("address")} error={m.field("address")} autoComplete="street-address" />
        <TextField label={t("Contacto de emergencia", "Emergency contact")} name="emergencyContact" required value={f.emergencyContact} onChange={set("emergencyContact")} error={m.field("emergencyContact")} />
        <TextField label={t("Teléfono de emergencia", "Emergency phone")} name="emergencyPhone" type="tel" required value={f.emergencyPhone} onChange={set("emergencyPhone")} error={m.field("emergencyPhone")} />
        <div className="span2">
          <FormError error={m.error} />
          <button className="primary" type="submit" disabled={m.busy}>{t("Crear cuenta", "Create account")}</button>
        </div>
      </form>
      <p className="auth-links"><Link to="/login">{t("Ya tengo cuenta", "I already have an account")}</Link></p>
    </main>
  );
}

export function ForgotPassword() {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(RequestPasswordResetDocument, { email }))) setSent(true);
  };
  return (
    <main className="auth-card" id="main">
      <h1>{t("Recuperar contraseña", "Reset your password")}</h1>
      {sent ? (
        <p role="status">{t("Si la dirección existe, te enviamos un enlace para restablecerla.", "If the address exists, we sent a link to reset it.")}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <TextField label={t("Correo electrónico", "Email")} name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={m.field("email")} />
          <FormError error={m.error} />
          <button className="primary" type="submit" disabled={m.busy}>{t("Enviar enlace", "Send link")}</button>
        </form>
      )}
      <p className="auth-links"><Link to="/login">{t("Volver a iniciar sesión", "Back to sign in")}</Link></p>
    </main>
  );
}

export function ResetPassword() {
  const { t } = useI18n();
  const toast = useToast();
  const { query } = useLocation();
  const [token, setToken] = useState(query.get("token") ?? "");
  const [password, setPassword] = useState("");
  const m = useMutation();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await m.run(() => request(ResetPasswordDocument, { token, newPassword: password }))) {
      toast(t("Contraseña cambiada. Ya puedes entrar.", "Password changed. You can sign in now."));
      navigate("/login");
    }
  };
  return (
    <main className="auth-card" id="main">
      <h1>{t("Nueva contraseña", "New password")}</h1>
      <form onSubmit={submit} noValidate>
        <TextField label={t("Código del correo", "Code from the email")} name="token" required value={token} onChange={(e) => setToken(e.target.value)} error={m.field("token")} />
        <TextField label={t("Nueva contraseña", "New password")} name="newPassword" type="password" required autoComplete="new-password" value={password}
          onChange={(e) => setPassword(e.target.value)} error={m.field("newPassword")} hint={t("De 15 a 128 caracteres.", "15 to 128 characters.")} />
        <FormError error={m.error} />
        <button className="primary" type="submit" disabled={m.busy}>{t("Guardar", "Save")}</button>
      </form>
    </main>
  );
}
