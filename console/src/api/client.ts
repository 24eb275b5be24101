// The console's only way to the server: the typed client generated from /openapi.json
// (schema.d.ts, `npm run console:types`), with the session cookie of this origin. Errors
// are the API's envelope, thrown as ApiError so every page can show the API's own message.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A new Idempotency-Key: one per intended change (useAction keeps it across a double click and retries). */
export const newIdempotencyKey = (): string => `console-${crypto.randomUUID()}`;

// Every POST carries an Idempotency-Key: the action's own when it gave one, else a fresh one.
const idempotency: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', newIdempotencyKey());
    return request;
  },
};

/** Told when any call answers 401: the session ended (signed out elsewhere, expired, revoked). */
let onUnauthorized: () => void = () => {};
export const whenUnauthorized = (f: () => void) => {
  onUnauthorized = f;
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(idempotency);

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The answer's body as T (the generated types say little about responses yet), or the API's error thrown. */
export async function body<T>(call: Promise<Answer>): Promise<T> {
  let answer: Answer;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
  }
  if (answer.response.ok) return answer.data as T;
  const e = (answer.error as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  if (answer.response.status === 401) onUnauthorized();
  throw new ApiError(answer.response.status, e?.code ?? 'error', e?.message ?? `The server answered ${answer.response.status}`, e?.details);
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
