// A small typed GraphQL client: POST /graphql with the bearer token, one
// refresh-and-retry on 401, errors as ApiError (code, field) for the screens.
import type { TypedDocument } from "../generated/schema-types";
import { RefreshSessionDocument, LogoutDocument } from "../generated/Session";

export interface GraphQLErrorEntry {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; field?: string; retryAfter?: number; reason?: string };
}

export class ApiError extends Error {
  readonly code: string;
  readonly field?: string;
  /** extensions.reason: which refusal exactly, where the API says (appointment links). */
  readonly reason?: string;
  readonly errors: GraphQLErrorEntry[];
  constructor(errors: GraphQLErrorEntry[], fallbackCode = "INTERNAL_SERVER_ERROR") {
    super(errors[0]?.message ?? fallbackCode);
    this.errors = errors;
    this.code = errors[0]?.extensions?.code ?? fallbackCode;
    this.field = errors[0]?.extensions?.field;
    this.reason = errors[0]?.extensions?.reason;
  }
  /** The error for one input field, matched on the last segment of `extensions.field` (input.email → email). */
  fieldMessage(name: string): string | undefined {
    const e = this.errors.find((x) => {
      const f = x.extensions?.field;
      return f !== undefined && (f === name || f.endsWith("." + name));
    });
    return e?.message;
  }
}

const REFRESH_KEY = "clinic.refreshToken";
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

/** Called when the session ends (refresh failed or sign-out). */
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function notify() {
  listeners.forEach((fn) => fn());
}

export function hasSession(): boolean {
  return accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
}

export function setSession(tokens: { accessToken: string; refreshToken: string }) {
  accessToken = tokens.accessToken;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  notify();
}

export function clearSession() {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
  notify();
}

export async function signOut() {
  const token = sessionStorage.getItem(REFRESH_KEY);
  if (token) {
    try {
      await send(LogoutDocument, { refreshToken: token }, false);
    } catch {
      // The session ends locally whatever the server says.
    }
  }
  clearSession();
}

/** Rotates the refresh token once, shared by every request that hit a 401 meanwhile. */
function refresh(): Promise<boolean> {
  if (!refreshing) {
    refreshing = (async () => {
      const token = sessionStorage.getItem(REFRESH_KEY);
      if (!token) return false;
      try {
        accessToken = null;
        const r = await send(RefreshSessionDocument, { refreshToken: token }, false);
        setSession(r.refreshToken);
        return true;
      } catch {
        clearSession();
        return false;
      }
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function post(body: string): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json",
  };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  return fetch("/graphql", { method: "POST", headers, body });
}

async function send<R, V>(doc: TypedDocument<R, V>, variables: V, mayRefresh: boolean): Promise<R> {
  const body = JSON.stringify({ query: doc.source, operationName: doc.operationName, variables });
  if (!accessToken && mayRefresh && sessionStorage.getItem(REFRESH_KEY)) await refresh();
  let res: Response;
  try {
    res = await post(body);
    if (res.status === 401 && mayRefresh && (await refresh())) res = await post(body);
  } catch {
    throw new ApiError([{ message: "network", extensions: { code: "NETWORK" } }]);
  }
  let json: { data?: R | null; errors?: GraphQLErrorEntry[] };
  try {
    json = await res.json();
  } catch {
    throw new ApiError([{ message: `HTTP ${res.status}`, extensions: { code: res.status === 429 ? "RATE_LIMITED" : res.status >= 502 && res.status <= 504 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR" } }]);
  }
  if (json.errors && json.errors.length > 0) {
    if (res.status === 401) clearSession();
    throw new ApiError(json.errors);
  }
  if (json.data == null) throw new ApiError([{ message: `HTTP ${res.status}` }]);
  return json.data;
}

/** Runs a generated operation. Throws ApiError for any GraphQL or HTTP error. */
export function request<R, V>(doc: TypedDocument<R, V>, variables: V): Promise<R> {
  return send(doc, variables, true);
}
