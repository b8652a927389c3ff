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

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return error ? id + "-err" : hint ? id + "-hint" : undefined;
}

/** The hint under a field, or its error in its place (both referenced by aria-describedby). */
function FieldNote({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (error) return <small className="error" id={id + "-err"} role="alert">{error}</small>;
  return hint ? <small id={id + "-hint"}>{hint}</small> : null;
}

export function TextField(props: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const { label, error, hint, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "")}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest} />
      <FieldNote id={id} error={error} hint={hint} />
    </div>
  );
}

export function TextArea(props: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, error, hint, className, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "") + (className ? " " + className : "")}>
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest} />
      <FieldNote id={id} error={error} hint={hint} />
    </div>
  );
}

export function SelectField(props: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode }) {
  const { label, error, hint, children, ...rest } = props;
  const id = useFieldId();
  return (
    <div className={"field" + (error ? " has-error" : "")}>
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, error, hint)} {...rest}>{children}</select>
      <FieldNote id={id} error={error} hint={hint} />
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

/** One page of a Relay connection, as every list query selects it. */
export interface Page<N> {
  nodes: N[];
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/**
 * A connection read page after page ("Load more"): the first page reloads when
 * `deps` change, later pages are appended with the previous page's end cursor.
 */
export function usePaged<N>(load: (after: string | null) => Promise<Page<N>>, deps: unknown[]) {
  const first = useQuery(() => load(null), deps);
  const [more, setMore] = useState<Page<N>[]>([]);
  const m = useMutation();
  useEffect(() => setMore([]), [first.data]);
  const last = more.length > 0 ? more[more.length - 1] : first.data;
  const loadMore = async () => {
    const after = last?.pageInfo.endCursor ?? null;
    const r = await m.run(() => load(after));
    if (r) setMore((ps) => [...ps, r]);
  };
  return {
    nodes: [...(first.data?.nodes ?? []), ...more.flatMap((p) => p.nodes)],
    totalCount: first.data?.totalCount ?? 0,
    hasMore: last?.pageInfo.hasNextPage ?? false,
    loading: first.loading && !first.data,
    error: first.error ?? m.error,
    busy: m.busy,
    loadMore,
    reload: first.reload,
  };
}

/** The "Load more" button under a paged list, with how many are shown. */
export function MoreButton({ paged }: { paged: { nodes: unknown[]; totalCount: number; hasMore: boolean; busy: boolean; loadMore: () => void } }) {
  const { t } = useI18n();
  if (!paged.hasMore) return null;
  return (
    <p className="more">
      <span className="muted small">{t(`${paged.nodes.length} de ${paged.totalCount}`, `${paged.nodes.length} of ${paged.totalCount}`)}</span>{" "}
      <button type="button" onClick={paged.loadMore} disabled={paged.busy}>{t("Cargar más", "Load more")}</button>
    </p>
  );
}

/**
 * Keyset paging one page at a time (Previous / Next): the cursors already
 * visited are kept so "Previous" goes back without offsets.
 */
export function useKeysetPages<N>(load: (after: string | null) => Promise<Page<N>>, deps: unknown[]) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setCursors([null]), deps);
  const after = cursors[cursors.length - 1];
  const depth = cursors.length;
  // The page number travels with the page it belongs to: while the next page
  // loads, the previous one stays on screen with its own numbers.
  const q = useQuery(async () => ({ page: await load(after), number: depth }), [...deps, after]);
  const page = q.data?.page;
  return {
    nodes: page?.nodes ?? [],
    totalCount: page?.totalCount ?? 0,
    pageNumber: q.data?.number ?? 1,
    loading: q.loading && !q.data,
    error: q.error,
    reload: q.reload,
    hasNext: !q.loading && (page?.pageInfo.hasNextPage ?? false),
    hasPrevious: !q.loading && depth > 1,
    next: () => { if (page?.pageInfo.endCursor) setCursors([...cursors, page.pageInfo.endCursor]); },
    previous: () => setCursors(cursors.slice(0, -1)),
  };
}

/** Previous / Next under a keyset-paged list. */
export function Pager({ pages, pageSize }: { pages: ReturnType<typeof useKeysetPages>; pageSize: number }) {
  const { t } = useI18n();
  const start = (pages.pageNumber - 1) * pageSize + 1;
  const end = start + pages.nodes.length - 1;
  return (
    <nav className="pager" aria-label={t("Páginas", "Pages")}>
      <button type="button" onClick={pages.previous} disabled={!pages.hasPrevious}>{t("Anterior", "Previous")}</button>
      <span className="muted small" aria-live="polite">
        {pages.nodes.length === 0 ? t("Sin resultados", "No results") : t(`${start}–${end} de ${pages.totalCount}`, `${start}–${end} of ${pages.totalCount}`)}
      </span>
      <button type="button" onClick={pages.next} disabled={!pages.hasNext}>{t("Siguiente", "Next")}</button>
    </nav>
  );
}

/** Every page of a connection (for pickers that must offer all options). */
export async function allPages<N>(load: (after: string | null) => Promise<Page<N>>): Promise<N[]> {
  const out: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const p: Page<N> = await load(after);
    out.push(...p.nodes);
    if (!p.pageInfo.hasNextPage || !p.pageInfo.endCursor) break;
    after = p.pageInfo.endCursor;
  }
  return out;
}

/** Saves text as a file through a temporary object URL. */
export function downloadText(text: string, fileName: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
