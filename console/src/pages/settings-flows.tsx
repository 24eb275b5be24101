// The shop's Flows settings: the key pair (create, rotate; the public key to upload to Meta)
// and the keywords that send a Flow.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, ApiError, body } from '../api/client.ts';
import { idem, useAction } from '../api/hooks.ts';
import type { FlowKeys, FlowKeyword, List } from '../api/types.ts';
import { Field, Select } from '../ui/field.tsx';
import { ErrorNote, Loaded } from '../ui/states.tsx';

const t = {
  flowsKeys: 'Flows key pair',
  noKey: 'No key pair yet.',
  createKey: 'Create a key pair',
  rotateKey: 'Rotate the key pair',
  publicKey: 'Public key (upload it to Meta)',
  keywords: 'Flow keywords',
  keyword: 'Keyword',
  flow: 'Flow',
  add: 'Add keyword',
  remove: 'Remove',
  noKeywords: 'No keywords yet.',
};

export function FlowsSettings() {
  const keys = useQuery({
    queryKey: ['flows', 'keys'],
    queryFn: () =>
      body<FlowKeys>(api.GET('/v1/flows/keys')).catch((e) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
  });
  const keywords = useQuery({ queryKey: ['flows', 'keywords'], queryFn: () => body<List<FlowKeyword>>(api.GET('/v1/flows/keywords')) });
  const makeKey = useAction((rotate: boolean, key) => body(api.POST('/v1/flows/keys', { body: rotate ? { rotate: true } : {}, ...idem(key) })), {
    invalidate: [['flows', 'keys']],
  });
  const [word, setWord] = useState('');
  const [flow, setFlow] = useState<'order_food' | 'book_appointment'>('order_food');
  const addWord = useAction(
    (v: { word: string; flow: 'order_food' | 'book_appointment' }, key) =>
      body(api.PUT('/v1/flows/keywords/{keyword}', { params: { path: { keyword: v.word } }, body: { flow: v.flow }, ...idem(key) })),
    { invalidate: [['flows', 'keywords']], onSuccess: () => setWord('') },
  );
  const removeWord = useAction((w: string, key) => body(api.DELETE('/v1/flows/keywords/{keyword}', { params: { path: { keyword: w } }, ...idem(key) })), {
    invalidate: [['flows', 'keywords']],
  });
  return (
    <>
      <section className="card form-card" aria-labelledby="fk-h">
        <h2 id="fk-h">{t.flowsKeys}</h2>
        <Loaded q={keys}>
          {(k) =>
            k ? (
              <>
                <p>{t.publicKey}</p>
                <code className="secret">{k.public_key}</code>
                <p>
                  <button type="button" onClick={() => makeKey.mutate(true)} disabled={makeKey.isPending}>
                    {t.rotateKey}
                  </button>
                </p>
              </>
            ) : (
              <>
                <p>{t.noKey}</p>
                <button type="button" className="primary" onClick={() => makeKey.mutate(false)} disabled={makeKey.isPending}>
                  {t.createKey}
                </button>
              </>
            )
          }
        </Loaded>
        <ErrorNote error={makeKey.error} />
      </section>
      <section className="card form-card" aria-labelledby="kw-h">
        <h2 id="kw-h">{t.keywords}</h2>
        <Loaded q={keywords} isEmpty={(l) => l.data.length === 0} empty={t.noKeywords}>
          {(l) => (
            <ul className="plain">
              {l.data.map((k) => (
                <li key={k.keyword} className="booking">
                  <span>
                    <strong>{k.keyword}</strong> → {k.flow}
                  </span>
                  <button type="button" onClick={() => removeWord.mutate(k.keyword)} aria-label={`${t.remove} ${k.keyword}`}>
                    {t.remove}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Loaded>
        <form
          className="inline"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            addWord.mutate({ word, flow });
          }}
        >
          <Field label={t.keyword} required maxLength={50} value={word} onChange={(e) => setWord(e.target.value)} />
          <Select label={t.flow} value={flow} onChange={(e) => setFlow(e.target.value as typeof flow)}>
            <option value="order_food">order_food</option>
            <option value="book_appointment">book_appointment</option>
          </Select>
          <button type="submit" disabled={addWord.isPending}>
            {t.add}
          </button>
        </form>
        <ErrorNote error={addWord.error ?? removeWord.error} />
      </section>
    </>
  );
}
