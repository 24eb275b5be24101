// Loading, empty and error states: every page shows one of them while it has no data.
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {errorMessage(error)}
    </div>
  );
}

/** A query's three states around its content. */
export function Loaded<T>({
  q,
  empty,
  isEmpty,
  children,
}: {
  q: { data?: T | undefined; error: unknown; isPending: boolean };
  empty?: ReactNode;
  isEmpty?: (d: T) => boolean;
  children: (d: T) => ReactNode;
}) {
  if (q.isPending) return <Loading />;
  if (q.error || q.data === undefined) return <ErrorNote error={q.error ?? new Error('No data')} />;
  if (empty !== undefined && isEmpty?.(q.data)) return <Empty>{empty}</Empty>;
  return <>{children(q.data)}</>;
}
