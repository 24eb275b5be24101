// The sandbox phone (served as /sandbox/phone/app.js): a customer picks their number and
// a shop's sandbox number, chats, browses the shop's catalog, sends a cart, pays bills.
// It only calls the sandbox's public APIs and polls the conversation every 1.5 s.
'use strict';
(function () {
  const R = window.PhoneRender;
  const { el } = R;
  const $ = (id) => document.getElementById(id);
  const WA_ID = /^[1-9]\d{6,14}$/;
  const POLL_MS = 1500;
  const STORE = 'chatcart.sandbox-phone';

  const S = {
    wa: '',
    pnid: '',
    numbers: [],
    card: null,
    cart: new Map(),
    gen: 0,
    lastKey: '',
    lastCount: 0,
    timer: 0,
    byId: new Map(),
    openLists: new Set(),
    data: null,
  };

  function showError(msg, kind) {
    $('error').textContent = msg || '';
    $('error').hidden = !msg;
    $('error').dataset.kind = msg ? kind || 'action' : '';
  }

  async function call(path, body) {
    const res = await fetch(
      path,
      body === undefined ? { cache: 'no-store' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    let json = null;
    try {
      json = await res.json();
    } catch {
      /* not JSON */
    }
    if (!res.ok) throw new Error(json?.error?.message ?? json?.error?.error_user_msg ?? `The sandbox answered ${res.status}`);
    return json;
  }

  const current = () => S.numbers.find((n) => n.phone_number_id === S.pnid);
  const exps = () => current()?.currency_exponents ?? {};
  const names = () => new Map((S.card?.catalog ?? []).map((p) => [p.retailer_id, p.name]));

  // ---- choosing who talks to whom (kept in the URL, so a reload or a return from paying keeps it)
  function remember() {
    const q = new URLSearchParams({ wa_id: S.wa, phone_number_id: S.pnid });
    history.replaceState(null, '', `${location.pathname}?${q}`);
    try {
      localStorage.setItem(STORE, JSON.stringify({ wa_id: S.wa, phone_number_id: S.pnid }));
    } catch {
      /* storage off */
    }
  }

  function saved() {
    const q = new URLSearchParams(location.search);
    let s = {};
    try {
      s = JSON.parse(localStorage.getItem(STORE) || '{}') || {};
    } catch {
      /* storage off */
    }
    return { wa: q.get('wa_id') || s.wa_id || '', pnid: q.get('phone_number_id') || s.phone_number_id || '' };
  }

  async function loadNumbers() {
    S.numbers = (await call('/sandbox/phone/numbers')).data ?? [];
    const sel = $('number');
    sel.replaceChildren(
      ...S.numbers.map((n) => el('option', { value: n.phone_number_id }, `${n.merchant_name} · +${n.display_phone_number ?? n.phone_number_id}`)),
    );
    if (S.numbers.length === 0) sel.append(el('option', { value: '' }, 'No sandbox numbers yet'));
  }

  async function select() {
    const wa = $('wa-id').value.trim();
    const pnid = $('number').value;
    S.gen++;
    clearTimeout(S.timer);
    S.wa = wa;
    S.pnid = pnid;
    S.card = null;
    S.lastKey = '';
    S.lastCount = 0;
    S.cart.clear();
    $('chat').replaceChildren();
    const n = current();
    $('shop-name').textContent = n ? n.merchant_name : 'Choose a shop';
    $('shop-sub').textContent = n ? `+${n.display_phone_number ?? ''} · sandbox` : 'sandbox';
    $('avatar').textContent = n ? (n.merchant_name.trim()[0] ?? '?').toUpperCase() : '?';
    if (!WA_ID.test(wa)) return showError('The customer number is digits only, with the country code, e.g. 919876543210.');
    if (!n) return showError('Choose a shop: there is no sandbox number to write to yet.');
    showError('');
    remember();
    const gen = S.gen;
    try {
      const card = await call(`/sandbox/whatsapp/numbers/${encodeURIComponent(pnid)}`);
      if (gen === S.gen) S.card = card;
    } catch (e) {
      if (gen === S.gen) showError(e.message);
    }
    renderCatalog();
    poll(gen);
  }

  // ---- the conversation
  async function poll(gen) {
    clearTimeout(S.timer);
    try {
      const conv = await call(`/sandbox/customers/${encodeURIComponent(S.wa)}/messages?phone_number_id=${encodeURIComponent(S.pnid)}`);
      if (gen !== S.gen) return;
      render(conv);
      if ($('error').dataset.kind === 'poll') showError('');
    } catch (e) {
      if (gen !== S.gen) return;
      showError(`Cannot read the chat: ${e.message}`, 'poll');
    }
    if (gen !== S.gen) return;
    clearTimeout(S.timer);
    S.timer = setTimeout(() => poll(gen), POLL_MS);
  }

  function render(conv, force) {
    const messages = Array.isArray(conv?.data) ? conv.data : [];
    const key = JSON.stringify([messages, conv?.window_expires_at]);
    if (!force && key === S.lastKey) return;
    S.lastKey = key;
    S.data = conv;
    const chat = $('chat');
    const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 80;
    S.byId = new Map(messages.map((m) => [m.id, m]));
    const ctx = {
      byId: S.byId,
      exps: exps(),
      names: names(),
      catalog: new Map((S.card?.catalog ?? []).map((p) => [p.retailer_id, p])),
      // A product enquiry: WhatsApp's "Message business" under a product.
      ask: (rid) => send({ type: 'text', text: { body: 'Is this available?' }, context: { referred_product: { product_retailer_id: rid } } }),
      openCatalog: () => {
        renderCatalog();
        $('catalog').hidden = false;
      },
      updates: R.orderUpdates(messages),
      openLists: S.openLists,
      pay,
      reply: (m, interactive) => send({ type: 'interactive', interactive, context: { id: m.id } }),
      // A template's quick reply: WhatsApp sends it as type "button" with the button's payload.
      tap: (m, b) => send({ type: 'button', button: { text: b.text, payload: b.payload }, context: { id: m.id } }),
      openAddress: (m) => window.PhoneAddress.open(m, (msg, interactive) => send({ type: 'interactive', interactive, context: { id: msg.id } })),
      openFlow: (m) => {
        const gen = S.gen;
        window.PhoneFlow.open(m.id, S.wa, () => {
          if (gen === S.gen) poll(gen);
        });
      },
      toggleList: (id) => {
        if (!S.openLists.delete(id)) S.openLists.add(id);
        render(S.data, true);
      },
    };
    const rows = [];
    if (conv?.has_more) rows.push(el('div', { class: 'chip' }, 'Older messages are not shown'));
    rows.push(
      el(
        'div',
        { class: 'chip notice', 'data-testid': 'window' },
        conv?.window_expires_at
          ? `24-hour window open: the shop can message you freely until ${R.clock(conv.window_expires_at)}.`
          : 'Say hi, or open the catalog to send a cart: that opens the 24-hour window.',
      ),
    );
    for (const m of messages) rows.push(R.message(m, ctx));
    chat.replaceChildren(...rows);
    const grew = messages.length > S.lastCount;
    const mineLast = messages.at(-1)?.direction === 'out';
    if (atBottom || (grew && mineLast) || S.lastCount === 0) chat.scrollTop = chat.scrollHeight;
    S.lastCount = messages.length;
  }

  async function send(message) {
    const gen = S.gen;
    try {
      await call(`/sandbox/customers/${encodeURIComponent(S.wa)}/messages`, { phone_number_id: S.pnid, ...message });
      showError('');
      return true;
    } catch (e) {
      showError(`Not sent: ${e.message}`);
      return false;
    } finally {
      if (gen === S.gen) poll(gen);
    }
  }

  async function pay(referenceId, outcome) {
    const gen = S.gen;
    try {
      await call(`/sandbox/customers/${encodeURIComponent(S.wa)}/payments`, { phone_number_id: S.pnid, reference_id: referenceId, outcome });
      showError('');
    } catch (e) {
      showError(`Payment refused: ${e.message}`);
    } finally {
      if (gen === S.gen) poll(gen);
    }
  }

  // ---- the catalog and the cart
  function cartSummary() {
    const catalog = new Map((S.card?.catalog ?? []).map((p) => [p.retailer_id, p]));
    const totals = {};
    let count = 0;
    for (const [rid, qty] of S.cart) {
      const p = catalog.get(rid);
      if (!p || qty <= 0) continue;
      count += qty;
      totals[p.currency] = (totals[p.currency] ?? 0) + p.price * qty;
    }
    const e = exps();
    return {
      count,
      total: Object.entries(totals)
        .map(([c, n]) => `${c} ${R.fmtMinor(n, e[c] ?? 2)}`)
        .join(' + '),
    };
  }

  function renderCatalog() {
    const products = S.card?.catalog ?? [];
    const e = exps();
    $('catalog-title').textContent = S.card ? `${current()?.merchant_name ?? 'Shop'}: catalog` : 'Catalog';
    $('products').replaceChildren(
      ...(products.length
        ? products.map((p) => {
            const qty = S.cart.get(p.retailer_id) ?? 0;
            const img = R.safeUrl(p.image_url);
            const sameOrigin = img && new URL(img).origin === location.origin;
            const thumb = sameOrigin
              ? el('img', { class: 'thumb', src: img, alt: '' })
              : el('div', { class: 'thumb', 'aria-hidden': 'true' }, (p.name.trim()[0] ?? '?').toUpperCase());
            const change = (d) => () => {
              const n = Math.max(0, Math.min(99, (S.cart.get(p.retailer_id) ?? 0) + d));
              if (n === 0) S.cart.delete(p.retailer_id);
              else S.cart.set(p.retailer_id, n);
              renderCatalog();
            };
            return el(
              'li',
              { class: 'product', 'data-testid': 'product', 'data-retailer-id': p.retailer_id },
              thumb,
              el(
                'div',
                { class: 'pinfo' },
                el('div', { class: 'pname' }, p.name),
                p.description ? el('div', { class: 'pdesc' }, p.description) : null,
                el('div', { class: 'price' }, `${p.currency} ${R.fmtMinor(p.price, e[p.currency] ?? 2)}`),
              ),
              el(
                'div',
                { class: 'qty' },
                el(
                  'button',
                  {
                    type: 'button',
                    'data-testid': `minus-${p.retailer_id}`,
                    'aria-label': `One less ${p.name}`,
                    disabled: qty === 0 ? 'disabled' : null,
                    onclick: change(-1),
                  },
                  '−',
                ),
                el('span', { 'data-testid': `qty-${p.retailer_id}` }, String(qty)),
                el('button', { type: 'button', 'data-testid': `plus-${p.retailer_id}`, 'aria-label': `One more ${p.name}`, onclick: change(1) }, '+'),
              ),
            );
          })
        : [el('li', { class: 'product' }, S.card ? 'This shop has no active products.' : 'Choose a shop first.')]),
    );
    const { count, total } = cartSummary();
    $('send-cart').disabled = count === 0;
    $('send-cart').textContent = count ? `Send cart · ${count} item${count === 1 ? '' : 's'} · ${total}` : 'Send cart';
  }

  async function sendCart() {
    const catalog = new Map((S.card?.catalog ?? []).map((p) => [p.retailer_id, p]));
    const e = exps();
    const items = [...S.cart]
      .filter(([rid, q]) => catalog.has(rid) && q > 0)
      .map(([rid, quantity]) => {
        const p = catalog.get(rid);
        // WhatsApp sends item_price in major units, e.g. 249 for INR 249.00.
        return { product_retailer_id: rid, quantity, item_price: p.price / 10 ** (e[p.currency] ?? 2), currency: p.currency };
      });
    if (items.length === 0) return;
    $('send-cart').disabled = true;
    const order = { ...(S.card?.catalog_id ? { catalog_id: S.card.catalog_id } : {}), text: '', product_items: items };
    if (await send({ type: 'order', order })) {
      S.cart.clear();
      $('catalog').hidden = true;
    }
    renderCatalog();
  }

  // ---- wiring
  function wire() {
    $('setup').addEventListener('submit', (ev) => {
      ev.preventDefault();
      select();
    });
    $('number').addEventListener('change', select);
    $('wa-id').addEventListener('change', select);
    $('toggle-setup').addEventListener('click', () => {
      const hidden = ($('setup').hidden = !$('setup').hidden);
      $('toggle-setup').setAttribute('aria-expanded', String(!hidden));
    });
    $('composer').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = $('text').value;
      if (!body.trim() || !S.pnid || !WA_ID.test(S.wa)) return;
      $('text').value = '';
      if (!(await send({ type: 'text', text: { body } })) && !$('text').value) $('text').value = body;
    });
    // A photo (PNG, JPEG, WebP) goes as an image, anything else as a document; the caption is the typed text.
    $('attach').addEventListener('click', () => $('file').click());
    $('file').addEventListener('change', async () => {
      const f = $('file').files?.[0];
      $('file').value = '';
      if (!f || !S.pnid || !WA_ID.test(S.wa)) return;
      const data = await new Promise((resolve, reject) => {
        const r = new FileReader();
        r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
        r.onerror = () => reject(r.error);
        r.readAsDataURL(f);
      }).catch(() => null);
      if (data === null) return showError('Not sent: the file could not be read');
      const caption = $('text').value.trim();
      const image = /^image\/(png|jpeg|webp)$/.test(f.type);
      const media = { data, ...(f.type ? { mime_type: f.type } : {}), ...(caption ? { caption } : {}), ...(image ? {} : { filename: f.name }) };
      if (await send(image ? { type: 'image', image: media } : { type: 'document', document: media })) $('text').value = '';
    });
    $('open-catalog').addEventListener('click', () => {
      renderCatalog();
      $('catalog').hidden = false;
    });
    $('close-catalog').addEventListener('click', () => {
      $('catalog').hidden = true;
    });
    $('send-cart').addEventListener('click', sendCart);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && S.pnid) poll(S.gen);
    });
  }

  async function start() {
    wire();
    const { wa, pnid } = saved();
    if (WA_ID.test(wa)) $('wa-id').value = wa;
    try {
      await loadNumbers();
    } catch (e) {
      return showError(`Cannot list the sandbox numbers: ${e.message}`);
    }
    if (S.numbers.some((n) => n.phone_number_id === pnid)) $('number').value = pnid;
    await select();
  }

  start();
})();
