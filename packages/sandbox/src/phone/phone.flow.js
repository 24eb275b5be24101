// The sandbox phone's Flow view (served as /sandbox/phone/flow.js): opens a flow message,
// renders each screen of its Flow JSON as plain HTML (text, inputs, dropdowns, radio and
// checkbox groups, date pickers, a footer button) with ${data.x} / ${form.x} bindings
// resolved, and runs the footer's action. It never sees a key: the sandbox encrypts,
// signs and talks to the merchant's endpoint (POST /sandbox/phone/flows/{wamid}/exchange).
'use strict';
(function () {
  const R = window.PhoneRender;
  const { el } = R;
  const $ = (id) => document.getElementById(id);

  /** {wamid, wa, json, action, stack: [{screen, data}], busy, closed, onDone} */
  let F = null;

  async function post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    let json = null;
    try {
      json = await res.json();
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw new Error(json?.error?.message ?? `The sandbox answered ${res.status}`);
    return json;
  }

  // ---- bindings: "${data.x}", "${form.x}", "${screen.S.data.x}"; embedded ones become text
  function lookup(path, scope) {
    const parts = path.split('.');
    let v;
    if (parts[0] === 'data') v = scope.data;
    else if (parts[0] === 'form') v = scope.form;
    else if (parts[0] === 'screen' && parts.length > 2) {
      const entry = F?.stack.find((e) => e.screen === parts[1]);
      v = parts[2] === 'form' ? entry?.form : entry?.data;
      parts.splice(0, 2);
    } else return undefined;
    for (const p of parts.slice(1)) v = v == null ? undefined : v[p];
    return v;
  }
  const WHOLE = /^\$\{([A-Za-z0-9_.]+)\}$/;
  function resolve(v, scope) {
    if (typeof v === 'string') {
      const m = WHOLE.exec(v);
      if (m) return lookup(m[1], scope);
      return v.includes('${') ? v.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (_, p) => String(lookup(p, scope) ?? '')) : v;
    }
    if (Array.isArray(v)) return v.map((x) => resolve(x, scope));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, scope)]));
    return v;
  }
  /** If conditions, minimally: a binding, !binding, or `a == b` / `a != b` with bindings or literals. */
  function truthy(cond, scope) {
    if (typeof cond === 'boolean') return cond;
    const s = String(cond ?? '')
      .trim()
      .replace(/^\((.*)\)$/, '$1');
    const lit = (x) => {
      const t = x.trim();
      if (/^'.*'$/.test(t)) return t.slice(1, -1);
      if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
      if (t === 'true' || t === 'false') return t === 'true';
      return resolve(t, scope);
    };
    const cmp = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(s);
    if (cmp) return (String(lit(cmp[1])) === String(lit(cmp[3]))) === (cmp[2] === '==');
    if (s.startsWith('!')) return !truthy(s.slice(1), scope);
    const v = lit(s);
    return Array.isArray(v) ? v.length > 0 : !!v;
  }

  const textOf = (v) => (Array.isArray(v) ? v.join('\n') : v == null ? '' : String(v));
  const options = (src) => (Array.isArray(src) ? src.filter((o) => o && o.enabled !== false) : []);

  // ---- components
  function field(c, scope, control) {
    const helper = c['helper-text'] ? el('small', { class: 'fhelp' }, textOf(resolve(c['helper-text'], scope))) : null;
    return el(
      'label',
      { class: 'ffield' },
      el('span', { class: 'flabel' }, textOf(resolve(c.label, scope)) + (c.required ? '' : ' (optional)')),
      control,
      helper,
    );
  }

  function dateBound(v) {
    if (v == null || v === '') return null;
    // Flow JSON takes "YYYY-MM-DD" (or, in older versions, a timestamp in ms).
    if (/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return String(v);
    const d = new Date(Number(v));
    return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
  }

  function component(c, scope, out) {
    if (!c || typeof c !== 'object') return;
    if (c.visible !== undefined && !truthy(resolve(c.visible, scope), scope)) return;
    const name = c.name;
    const init = resolve(c['init-value'] ?? scope.initValues?.[name], scope);
    const tid = name ? `flow-field-${name}` : undefined;
    switch (c.type) {
      case 'Form':
        for (const k of c.children ?? []) component(k, { ...scope, initValues: resolve(c['init-values'] ?? {}, scope) }, out);
        return;
      case 'If':
        for (const k of (truthy(c.condition, scope) ? c.then : c.else) ?? []) component(k, scope, out);
        return;
      case 'Switch': {
        const v = String(resolve(c.value, scope) ?? '');
        for (const k of c.cases?.[v] ?? []) component(k, scope, out);
        return;
      }
      case 'TextHeading':
        return void out.body.push(el('h3', { class: 'fh' }, textOf(resolve(c.text, scope))));
      case 'TextSubheading':
        return void out.body.push(el('h4', { class: 'fsh' }, textOf(resolve(c.text, scope))));
      case 'TextBody':
        return void out.body.push(el('p', { class: 'fb' }, textOf(resolve(c.text, scope))));
      case 'TextCaption':
        return void out.body.push(el('p', { class: 'fc' }, textOf(resolve(c.text, scope))));
      case 'RichText':
        return void out.body.push(el('p', { class: 'fb' }, textOf(resolve(c.text, scope))));
      case 'TextInput': {
        const t = { number: 'number', email: 'email', password: 'password', passcode: 'password', phone: 'tel' }[c['input-type']] ?? 'text';
        const input = el('input', {
          type: t,
          'data-name': name,
          'data-testid': tid,
          required: c.required ? 'required' : null,
          maxlength: c['max-chars'] ?? null,
          minlength: c['min-chars'] ?? null,
          value: init ?? '',
        });
        return void out.body.push(field(c, scope, input));
      }
      case 'TextArea': {
        const ta = el('textarea', {
          'data-name': name,
          'data-testid': tid,
          rows: 3,
          required: c.required ? 'required' : null,
          maxlength: c['max-length'] ?? null,
        });
        ta.value = init ?? '';
        return void out.body.push(field(c, scope, ta));
      }
      case 'Dropdown': {
        const opts = options(resolve(c['data-source'], scope));
        const sel = el(
          'select',
          { 'data-name': name, 'data-testid': tid, required: c.required ? 'required' : null },
          el('option', { value: '', disabled: c.required ? 'disabled' : null, selected: init == null ? 'selected' : null }, 'Choose…'),
          opts.map((o) =>
            el(
              'option',
              { value: o.id, selected: String(init) === String(o.id) ? 'selected' : null },
              o.description ? `${o.title} · ${o.description}` : o.title,
            ),
          ),
        );
        return void out.body.push(field(c, scope, sel));
      }
      case 'RadioButtonsGroup':
      case 'CheckboxGroup': {
        const multi = c.type === 'CheckboxGroup';
        const chosen = new Set(Array.isArray(init) ? init.map(String) : init != null ? [String(init)] : []);
        const group = el(
          'div',
          {
            class: 'fgroup',
            'data-name': name,
            'data-testid': tid,
            'data-kind': multi ? 'checkbox' : 'radio',
            'data-min': c['min-selected-items'] ?? null,
            'data-max': c['max-selected-items'] ?? null,
            'data-required': c.required ? '1' : null,
          },
          options(resolve(c['data-source'], scope)).map((o) =>
            el(
              'label',
              { class: 'fopt' },
              el('input', {
                type: multi ? 'checkbox' : 'radio',
                name: `f-${name}`,
                value: o.id,
                checked: chosen.has(String(o.id)) ? 'checked' : null,
                required: !multi && c.required ? 'required' : null,
              }),
              el('span', {}, o.title, o.description ? el('small', {}, o.description) : null),
            ),
          ),
        );
        return void out.body.push(el('fieldset', { class: 'ffield' }, el('legend', { class: 'flabel' }, textOf(resolve(c.label, scope))), group));
      }
      case 'OptIn':
        return void out.body.push(
          el(
            'label',
            { class: 'fopt' },
            el('input', {
              type: 'checkbox',
              'data-name': name,
              'data-testid': tid,
              'data-kind': 'optin',
              required: c.required ? 'required' : null,
              checked: init === true ? 'checked' : null,
            }),
            el('span', {}, textOf(resolve(c.label, scope))),
          ),
        );
      case 'DatePicker':
      case 'CalendarPicker': {
        const unavailable = (resolve(c['unavailable-dates'], scope) ?? []).map(dateBound).filter(Boolean);
        const input = el('input', {
          type: 'date',
          'data-name': name,
          'data-testid': tid,
          required: c.required ? 'required' : null,
          min: dateBound(resolve(c['min-date'], scope)),
          max: dateBound(resolve(c['max-date'], scope)),
          value: dateBound(init) ?? '',
        });
        // An <input type=date> cannot grey out single days: a day Meta would disable is refused here.
        const check = () => input.setCustomValidity(unavailable.includes(input.value) ? 'This date is not available.' : '');
        input.addEventListener('input', check);
        check();
        return void out.body.push(field(c, scope, input));
      }
      case 'EmbeddedLink':
        return void out.body.push(
          el('button', { type: 'button', class: 'flink', onclick: () => act(c['on-click-action'], scope) }, textOf(resolve(c.text, scope))),
        );
      case 'Footer': {
        const off = c.enabled !== undefined && resolve(c.enabled, scope) === false;
        out.footer = el(
          'button',
          {
            type: 'button',
            class: 'primary',
            'data-testid': 'flow-footer',
            // WhatsApp greys out a Footer whose `enabled` is false (a literal or ${data.…}).
            'data-off': off,
            disabled: off,
            onclick: () => act(c['on-click-action'], scope, true),
          },
          textOf(resolve(c.label, scope)),
        );
        return;
      }
      case 'Image':
        return void out.body.push(el('p', { class: 'fc' }, `[image${c['alt-text'] ? `: ${c['alt-text']}` : ''}]`));
      default:
        return void out.body.push(el('p', { class: 'fc' }, `[${c.type} is not shown in the sandbox phone]`));
    }
  }

  /** The form as WhatsApp submits it: strings, arrays for checkbox groups, booleans for opt-ins. */
  function readForm() {
    const form = {};
    for (const n of $('flow-body').querySelectorAll('[data-name]')) {
      const name = n.dataset.name;
      if (n.dataset.kind === 'checkbox') form[name] = [...n.querySelectorAll('input:checked')].map((i) => i.value);
      else if (n.dataset.kind === 'radio') form[name] = n.querySelector('input:checked')?.value;
      else if (n.dataset.kind === 'optin') form[name] = n.checked;
      else form[name] = n.value === '' ? undefined : n.value;
    }
    return form;
  }

  function validate() {
    for (const g of $('flow-body').querySelectorAll('[data-kind=checkbox]')) {
      const n = g.querySelectorAll('input:checked').length;
      const min = Number(g.dataset.min ?? (g.dataset.required ? 1 : 0));
      const max = Number(g.dataset.max ?? Infinity);
      const first = g.querySelector('input');
      if (first) first.setCustomValidity(n < min ? `Choose at least ${min}.` : n > max ? `Choose at most ${max}.` : '');
    }
    return $('flow-form').reportValidity();
  }

  // ---- screens
  function screenDef(id) {
    return (F.json.screens ?? []).find((s) => s.id === id);
  }

  function show() {
    const top = F.stack.at(-1);
    const def = screenDef(top.screen);
    $('flow-error').hidden = true;
    if (!def) return closeWith(`The Flow JSON has no screen ${top.screen}.`);
    const scope = { data: top.data ?? {}, form: {} };
    const out = { body: [], footer: null };
    for (const c of def.layout?.children ?? []) component(c, scope, out);
    $('flow-title').textContent = textOf(resolve(def.title, scope)) || F.cta;
    $('flow').dataset.screen = top.screen;
    $('flow-back').hidden = F.stack.length < 2;
    $('flow-body').replaceChildren(...out.body);
    $('flow-footer').replaceChildren(...(out.footer ? [out.footer] : []));
    if (typeof top.data?.error_message === 'string' && top.data.error_message) snack(top.data.error_message);
    $('flow-form').scrollTop = 0;
  }

  function snack(msg) {
    $('flow-error').textContent = msg;
    $('flow-error').hidden = false;
  }

  function closeWith(msg) {
    F.closed = true;
    $('flow-body').replaceChildren(el('p', { class: 'fb', 'data-testid': 'flow-closed' }, msg));
    $('flow-footer').replaceChildren();
    $('flow-back').hidden = true;
  }

  function busy(on) {
    F.busy = on;
    const b = $('flow-footer').querySelector('button');
    if (b) b.disabled = on || b.hasAttribute('data-off');
  }

  /** The endpoint's answer: the next screen, the same screen again (an error), or the end. */
  function handle(a) {
    if (a.kind === 'closed') return closeWith(a.message);
    if (a.kind === 'completed') {
      const done = F.onDone;
      close();
      return done?.();
    }
    const top = F.stack.at(-1);
    if (top && top.screen === a.screen) F.stack[F.stack.length - 1] = { screen: a.screen, data: a.data };
    else F.stack.push({ screen: a.screen, data: a.data });
    show();
  }

  async function exchange(action, screen, data) {
    busy(true);
    try {
      handle(
        await post(`/sandbox/phone/flows/${encodeURIComponent(F.wamid)}/exchange`, {
          wa_id: F.wa,
          action,
          ...(screen ? { screen } : {}),
          ...(data ? { data } : {}),
        }),
      );
    } catch (e) {
      snack(e.message);
    } finally {
      if (F) busy(false);
    }
  }

  async function act(action, scope, isFooter) {
    if (!F || F.busy || F.closed || !action) return;
    if (isFooter && !validate()) return;
    const form = readForm();
    F.stack.at(-1).form = form;
    const payload = resolve(action.payload ?? {}, { data: scope.data, form });
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    const top = F.stack.at(-1).screen;
    if (action.name === 'data_exchange') return exchange('data_exchange', top, payload);
    if (action.name === 'navigate') {
      F.stack.push({ screen: action.next?.name, data: payload });
      return show();
    }
    if (action.name === 'complete') {
      busy(true);
      try {
        handle(await post(`/sandbox/phone/flows/${encodeURIComponent(F.wamid)}/complete`, { wa_id: F.wa, payload }));
      } catch (e) {
        snack(e.message);
      } finally {
        if (F) busy(false);
      }
    }
  }

  function back() {
    if (!F || F.busy || F.stack.length < 2) return;
    const left = F.stack.pop();
    // refresh_on_back: the endpoint renders the screen we return to from its own state.
    if (F.action === 'data_exchange' && screenDef(F.stack.at(-1).screen)?.refresh_on_back) return exchange('BACK', left.screen);
    show();
  }

  function close() {
    F = null;
    $('flow').hidden = true;
    $('flow-body').replaceChildren();
    $('flow-footer').replaceChildren();
  }

  /** Opens the flow message `wamid` of customer `wa`; onDone runs after the flow completes. */
  async function open(wamid, wa, onDone) {
    $('flow').hidden = false;
    $('flow-title').textContent = 'Loading…';
    $('flow-body').replaceChildren();
    $('flow-footer').replaceChildren();
    $('flow-error').hidden = true;
    $('flow-back').hidden = true;
    try {
      const res = await fetch(`/sandbox/phone/flows/${encodeURIComponent(wamid)}?wa_id=${encodeURIComponent(wa)}`, { cache: 'no-store' });
      const meta = await res.json();
      if (!res.ok) throw new Error(meta?.error?.message ?? `The sandbox answered ${res.status}`);
      F = { wamid, wa, json: meta.flow_json, action: meta.flow_action, cta: meta.flow_cta, stack: [], busy: false, closed: false, onDone };
      $('flow-title').textContent = meta.flow_cta;
      if (meta.flow_action === 'navigate') {
        F.stack.push({ screen: meta.screen ?? meta.flow_json.screens?.[0]?.id, data: meta.data });
        show();
      } else {
        await exchange('INIT');
      }
    } catch (e) {
      F = F ?? { wamid, wa, stack: [], closed: true };
      closeWith(`Cannot open this flow: ${e.message}`);
    }
  }

  function wire() {
    $('flow-close').addEventListener('click', close);
    $('flow-back').addEventListener('click', back);
    $('flow-form').addEventListener('submit', (ev) => ev.preventDefault());
  }

  document.addEventListener('DOMContentLoaded', wire);
  window.PhoneFlow = { open, close };
})();
