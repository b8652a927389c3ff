// Shared pieces: labelled fields with their errors, buttons, toasts, loading/empty states.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import type { ReactNode, InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { ApiError } from "../api/client";
import { errorText, useI18n } from "../i18n";

let nextId = 0;
function useFieldId(): string {
  const ref = useRef<string>();
  if (!ref.current) ref.current = `f${++nextId}`;
  return ref.current;
}

type FieldProps = { label: string; error?: string; hint?: string };

export function TextField(props: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const { label, error, hint, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "")}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? id + "-err" : hint ? id + "-hint" : undefined} {...rest} />
      {hint && !error && <small id={id + "-hint"}>{hint}</small>}
      {error && <small className="error" id={id + "-err"} role="alert">{error}</small>}
    </div>
  );
}

export function TextArea(props: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, error, hint, className, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "") + (className ? " " + className : "")}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} {...rest} />
      {hint && !error && <small>{hint}</small>}
      {error && <small className="error" role="alert">{error}</small>}
    </div>
  );
}

export function SelectField(props: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const { label, error, hint, children, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "")}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} {...rest}>{children}</select>
      {hint && !error && <small>{hint}</small>}
      {error && <small className="error" role="alert">{error}</small>}
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange: (v: boolean) => void; name?: string }) {
  const id = useFieldId();
  return (
    <div className="check">
      <input id={id} type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <p className="loading" role="status" aria-live="polite">{t("Cargando…", "Loading…")}</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A form-level error for errors that name no field. */
export function FormError({ error }: { error: ApiError | null }) {
  const { t } = useI18n();
  if (!error) return null;
  return <p className="form-error" role="alert">{errorText(t, error.code, error.message)}</p>;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const labels: Record<string, [string, string]> = {
    SCHEDULED: ["Programada", "Scheduled"], CONFIRMED: ["Confirmada", "Confirmed"], COMPLETED: ["Completada", "Completed"],
    CANCELLED: ["Cancelada", "Cancelled"], NO_SHOW: ["No asistió", "No-show"],
  };
  const l = labels[status];
  return <span className={"badge badge-" + status.toLowerCase()}>{l ? t(l[0], l[1]) : status}</span>;
}

// Toasts
type Toast = { id: number; text: string; kind: "ok" | "error" };
const ToastContext = createContext<(text: string, kind?: "ok" | "error") => void>(() => undefined);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((text: string, kind: "ok" | "error" = "ok") => {
    const id = ++nextId;
    setToasts((ts) => [...ts, { id, text, kind }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 5000);
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((x) => <div key={x.id} className={"toast toast-" + x.kind}>{x.text}</div>)}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}

/** Loads data with a request function; reloads when `deps` change. */
export function useQuery<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: ApiError | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => { if (live) { setData(d); setError(null); setLoading(false); } },
      (e) => { if (live) { setError(asApiError(e)); setLoading(false); } },
    );
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((n) => n + 1) };
}

export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError([{ message: String(e) }]);
}

/** Runs a mutation, keeping its error for field and form display. */
export function useMutation() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(asApiError(e));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run, field: (name: string) => error?.fieldMessage(name) };
}
