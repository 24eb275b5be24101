// Server state shared by every page: who is signed in, the business's presentation, and
// changes made with one Idempotency-Key per intent (a double click or a retry sends the
// same key, so the server makes the change once).
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useRef } from 'react';
import type { Presentation } from '../format.ts';
import { ApiError, api, body, newIdempotencyKey } from './client.ts';
import type { Business, Me } from './types.ts';

/** How often lists that change without us poll, until GET /v1/stream exists. */
export const LIVE_MS = 3000;

export const useMe = () => useQuery({ queryKey: ['me'], queryFn: () => body<Me>(api.GET('/v1/me')), retry: false, staleTime: 60_000 });

export function useBusiness() {
  return useQuery({ queryKey: ['business'], queryFn: () => body<Business>(api.GET('/v1/settings/business')), staleTime: 60_000 });
}

/** The business's locale and time zone (browser defaults while it loads). */
export function usePresentation(): Presentation & { currency: string | null } {
  const b = useBusiness().data;
  return { locale: b?.locale ?? navigator.language, timeZone: b?.time_zone ?? 'UTC', currency: b?.currency ?? null };
}

/** Whether the signed-in role holds a permission (GET /v1/me lists them); the API enforces it anyway. */
export function useCan(): (permission: string) => boolean {
  const me = useMe().data;
  return (p) => !!(me?.permissions as readonly string[] | undefined)?.includes(p);
}

/**
 * A change with one Idempotency-Key per intent: the key is kept while the change is pending
 * or could not reach the server (a retry or a second click repeats it, and the server makes
 * the change once), and renewed after an answer or when the form's input changes (`renew`).
 */
export function useAction<V, R>(run: (vars: V, key: string) => Promise<R>, o: { invalidate?: QueryKey[]; onSuccess?: (r: R, vars: V) => void } = {}) {
  const key = useRef(newIdempotencyKey());
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (vars: V) => run(vars, key.current),
    // A refusal (4xx but a concurrent duplicate's 409) is final for that key: the next try is a new intent.
    onError: (e) => {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 409) key.current = newIdempotencyKey();
    },
    onSuccess: async (r, vars) => {
      key.current = newIdempotencyKey();
      o.onSuccess?.(r, vars);
      await Promise.all((o.invalidate ?? []).map((k) => qc.invalidateQueries({ queryKey: k })));
    },
  });
  return Object.assign(m, {
    renew: () => {
      key.current = newIdempotencyKey();
      m.reset();
    },
  });
}

export const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } });
