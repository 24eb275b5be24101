import { type FormEvent, useState } from 'react';
import { api, body } from '../api/client.ts';
import { useAction } from '../api/hooks.ts';
import type { Me } from '../api/types.ts';
import { Field } from '../ui/field.tsx';
import { ErrorNote } from '../ui/states.tsx';

const t = {
  title: 'Sign in to chatcart',
  email: 'Email',
  password: 'Password',
  submit: 'Sign in',
  busy: 'Signing in…',
  help: 'No account yet? Ask the shop owner for an invitation link. Forgot your password? The owner can make you a new link.',
};

export function LoginPage({ note, onSignedIn }: { note?: string | undefined; onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useAction(
    async (v: { email: string; password: string }) => {
      await body(api.POST('/v1/sessions', { body: v }));
      return body<Me>(api.GET('/v1/me'));
    },
    { onSuccess: (me) => onSignedIn(me) },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  return (
    <main className="login" id="main">
      <form onSubmit={submit} className="card" aria-labelledby="login-title">
        <h1 id="login-title">{t.title}</h1>
        {note ? (
          <p className="note" role="status" data-testid="session-ended">
            {note}
          </p>
        ) : null}
        <Field label={t.email} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t.password} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorNote error={signIn.error} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? t.busy : t.submit}
        </button>
        <p className="muted">{t.help}</p>
      </form>
    </main>
  );
}
