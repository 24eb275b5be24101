// The team (owner): invite someone (the one-time link is shown to hand over: the server
// sends no email), change a role, make a new link, remove; and the audit log.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { idem, useAction, useCan, useMe, usePresentation } from '../api/hooks.ts';
import type { AuditEntry, List, Role, User } from '../api/types.ts';
import { formatDateTime, humanize } from '../format.ts';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, Field, Select } from '../ui/field.tsx';
import { ErrorNote, Loaded, Loading } from '../ui/states.tsx';

const t = {
  team: 'Team',
  none: 'No one yet.',
  email: 'Email',
  name: 'Name (optional)',
  role: 'Role',
  invite: 'Invite',
  linkOnce: (email: string) => `Send this one-time link to ${email} (it works once, for 72 hours; it is not shown again):`,
  newLink: 'New link',
  remove: 'Remove',
  you: 'you',
  removeTitle: 'Remove this person?',
  removeText: (email: string) => `${email} is signed out everywhere and can no longer sign in.`,
  confirm: 'Remove',
  back: 'Back',
  roles: { owner: 'Owner: everything', admin: 'Admin: orders, money, catalog, settings', agent: 'Agent: conversations and orders' },
  audit: 'Audit log',
  noAudit: 'Nothing recorded yet.',
  more: 'Load more',
  when: 'When',
  what: 'What',
  who: 'Who',
  from: 'From',
};

export function TeamSettings() {
  const can = useCan();
  const me = useMe().data;
  const users = useQuery({ queryKey: ['users'], queryFn: () => body<List<User>>(api.GET('/v1/users', { params: { query: { limit: 100 } as never } })) });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);
  const invalidate = [['users']];
  const invite = useAction(
    (v: { email: string; name: string; role: Role }, key) =>
      body<User & { invitation?: { url: string | null } }>(
        api.POST('/v1/users', { body: { email: v.email, role: v.role, ...(v.name ? { name: v.name } : {}) }, ...idem(key) }),
      ),
    {
      invalidate,
      onSuccess: (u) => {
        if (u.invitation?.url) setLink({ email: u.email, url: u.invitation.url });
        setEmail('');
        setName('');
      },
    },
  );
  const changeRole = useAction(
    (v: { id: string; role: Role }, key) => body(api.PATCH('/v1/users/{id}', { params: { path: { id: v.id } }, body: { role: v.role }, ...idem(key) })),
    {
      invalidate,
    },
  );
  const newLink = useAction((u: User, key) => body<{ url: string | null }>(api.POST('/v1/users/{id}/link', { params: { path: { id: u.id } }, ...idem(key) })), {
    onSuccess: (r, u) => r.url && setLink({ email: u.email, url: r.url }),
  });
  const remove = useAction((id: string, key) => body(api.DELETE('/v1/users/{id}', { params: { path: { id } }, ...idem(key) })), {
    invalidate,
    onSuccess: () => setRemoving(null),
  });
  const manage = can('users.manage');
  return (
    <section className="card" aria-labelledby="team-h">
      <h2 id="team-h">{t.team}</h2>
      <Loaded q={users} isEmpty={(l) => l.data.length === 0} empty={t.none}>
        {(l) => (
          <ul className="plain" data-testid="team">
            {l.data.map((u) => (
              <li key={u.id} className="booking">
                <span>
                  <strong>{u.name || u.email}</strong> <span className="muted">{u.email}</span> <Badge value={u.status} />
                  {u.id === me?.user?.id ? <span className="muted"> ({t.you})</span> : null}
                </span>
                {manage ? (
                  <span className="actions">
                    <Select
                      label={`${t.role}: ${u.email}`}
                      value={u.role}
                      onChange={(e) => changeRole.mutate({ id: u.id, role: e.target.value as Role })}
                      disabled={changeRole.isPending}
                    >
                      {(['owner', 'admin', 'agent'] as const).map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </Select>
                    {u.id === me?.user?.id ? null : (
                      <>
                        <button type="button" onClick={() => newLink.mutate(u)} disabled={newLink.isPending} aria-label={`${t.newLink}: ${u.email}`}>
                          {t.newLink}
                        </button>
                        <button type="button" className="danger" onClick={() => setRemoving(u)} aria-label={`${t.remove} ${u.email}`}>
                          {t.remove}
                        </button>
                      </>
                    )}
                  </span>
                ) : (
                  <Badge value={u.role} />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <ErrorNote error={changeRole.error ?? newLink.error} />
      {manage ? (
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            invite.mutate({ email, name, role });
          }}
        >
          <h3>{t.invite}</h3>
          <div className="row2">
            <Field label={t.email} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
            <Field label={t.name} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <Select label={t.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {(['agent', 'admin', 'owner'] as const).map((r) => (
              <option key={r} value={r}>
                {t.roles[r]}
              </option>
            ))}
          </Select>
          <ErrorNote error={invite.error} />
          <button type="submit" className="primary" disabled={invite.isPending} data-testid="invite">
            {t.invite}
          </button>
        </form>
      ) : null}
      {link ? (
        <div className="note" role="status">
          {t.linkOnce(link.email)}
          <code className="secret" data-testid="invite-link">
            {link.url}
          </code>
        </div>
      ) : null}
      <Dialog open={!!removing} title={t.removeTitle} onClose={() => setRemoving(null)} testId="remove-user">
        <p>{t.removeText(removing?.email ?? '')}</p>
        <ErrorNote error={remove.error} />
        <div className="actions">
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => removing && remove.mutate(removing.id)}>
            {t.confirm}
          </button>
          <button type="button" onClick={() => setRemoving(null)}>
            {t.back}
          </button>
        </div>
      </Dialog>
    </section>
  );
}

export function AuditLog() {
  const p = usePresentation();
  const q = useInfiniteQuery({
    queryKey: ['audit-log'],
    queryFn: ({ pageParam }) =>
      body<List<AuditEntry>>(api.GET('/v1/audit-log', { params: { query: { limit: 50, ...(pageParam ? { starting_after: pageParam } : {}) } as never } })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.has_more ? last.data[last.data.length - 1]?.id : undefined),
  });
  const rows = q.data?.pages.flatMap((pg) => pg.data) ?? [];
  return (
    <section className="card" aria-labelledby="audit-h">
      <h2 id="audit-h">{t.audit}</h2>
      {q.isPending ? <Loading /> : null}
      <ErrorNote error={q.error} />
      {!q.isPending && !q.error && rows.length === 0 ? <p className="state empty">{t.noAudit}</p> : null}
      {rows.length ? (
        <table className="list" data-testid="audit">
          <caption className="sr-only">{t.audit}</caption>
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.what}</th>
              <th scope="col">{t.who}</th>
              <th scope="col">{t.from}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                <td data-label={t.when}>{formatDateTime(a.created_at, p)}</td>
                <td data-label={t.what}>
                  {humanize(a.type)}
                  {a.subject ? <span className="muted"> · {a.subject}</span> : null}
                </td>
                <td data-label={t.who}>{a.actor ?? '—'}</td>
                <td data-label={t.from}>{a.address ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()}>
          {t.more}
        </button>
      ) : null}
    </section>
  );
}
