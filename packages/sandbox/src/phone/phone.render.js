// The sandbox phone's message rendering (served as /sandbox/phone/render.js). Builds DOM
// nodes from the conversation the sandbox returns; text only ever goes in through
// text nodes, never parsed as markup, and links only to http(s) URLs.
'use strict';
(function () {
  const SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, String(v));
    }
    for (const c of kids.flat()) if (c !== null && c !== undefined && c !== false) n.append(c instanceof Node ? c : String(c));
    return n;
  }

  function icon(paths, cls, viewBox) {
    const s = document.createElementNS(SVG, 'svg');
    s.setAttribute('viewBox', viewBox || '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    if (cls) s.setAttribute('class', cls);
    for (const d of paths) {
      const p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', d);
      s.append(p);
    }
    return s;
  }
  const OPEN = 'M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14V3zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z';
  const CART = 'M7 18a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm10 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM5.2 4H2V2h4.6l.9 2H21l-3.5 8H8.4l-1 2H19v2H4.2l2.4-4.6L5.2 4z';

  /** An absolute http(s) URL, or null: nothing else becomes a link or an image. */
  const safeUrl = (u) => {
    if (typeof u !== 'string' || u === '') return null;
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch {
      return null;
    }
  };

  /** Text with http(s) links made clickable (as text nodes and anchors, nothing parsed as HTML). */
  function linkify(text) {
    const p = el('p', { class: 'text' });
    const s = String(text ?? '');
    let at = 0;
    for (const m of s.matchAll(/https?:\/\/[^\s<>"']+/g)) {
      const href = safeUrl(m[0]);
      p.append(s.slice(at, m.index));
      p.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', text: m[0] }) : m[0]);
      at = m.index + m[0].length;
    }
    p.append(s.slice(at));
    return p;
  }

  // ---- money: minor units with the currency's decimals, as the server formats them
  function fmtMinor(value, exp) {
    const v = Math.trunc(Number(value) || 0);
    const digits = String(Math.abs(v)).padStart(exp + 1, '0');
    const body = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
    return v < 0 ? `-${body}` : body;
  }
  const expOfOffset = (offset) => (/^10*$/.test(String(offset)) ? String(offset).length - 1 : 2);
  const fmtAmount = (currency, a, times) => `${currency} ${fmtMinor(Number(a?.value ?? 0) * (times ?? 1), expOfOffset(a?.offset ?? 100))}`;

  /** The time of day; with the weekday when it is not today (a window or an expiry tomorrow). */
  function clock(ts) {
    const d = new Date(Number(ts) * 1000);
    if (Number.isNaN(d.getTime())) return '';
    const today = d.toDateString() === new Date().toDateString();
    return d.toLocaleString([], today ? { hour: '2-digit', minute: '2-digit' } : { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  }

  function ticks(status) {
    if (status === 'failed') return el('span', { class: 'ticks', 'data-testid': 'ticks', 'data-status': status, title: 'Not delivered', text: '!' });
    const two = status === 'delivered' || status === 'read';
    const s = icon(two ? ['M1 6l3 3 6-7', 'M6 8l1 1 6-7'] : ['M3 6l3 3 6-7'], '', '0 0 16 11');
    return el('span', { class: 'ticks', 'data-testid': 'ticks', 'data-status': status, title: status }, s);
  }

  const STATUS = {
    pending: 'Pending',
    processing: 'Processing',
    partially_shipped: 'Partly shipped',
    shipped: 'Shipped',
    completed: 'Completed',
    canceled: 'Canceled',
  };
  const PAY = { captured: ['Paid', 'good'], pending: ['Payment pending', 'wait'], failed: ['Payment failed', 'bad'], unpaid: ['Not paid yet', ''] };

  function orderCard(m, v, view, ctx) {
    const p = v.action?.parameters ?? {};
    const o = p.order ?? {};
    const cur = String(p.currency ?? view?.currency ?? '');
    const items = Array.isArray(o.items) ? o.items : [];
    const count = items.reduce((n, i) => n + (Number(i.quantity) || 0), 0);
    const rows = items.map((i) =>
      el(
        'tr',
        {},
        el('td', {}, `${i.name ?? i.retailer_id ?? 'Item'} × ${i.quantity}`),
        el('td', { class: 'n' }, fmtAmount(cur, i.sale_amount ?? i.amount, Number(i.quantity) || 0)),
      ),
    );
    const sum = (label, a, sign) =>
      a && Number(a.value) > 0 ? el('tr', { class: 'sum' }, el('td', {}, label), el('td', { class: 'n' }, (sign || '') + fmtAmount(cur, a))) : null;
    const table = el(
      'table',
      { class: 'lines' },
      el(
        'tbody',
        {},
        rows,
        o.subtotal
          ? el('tr', { class: 'sum' }, el('td', {}, 'Subtotal'), el('td', { class: 'n', 'data-testid': 'order-subtotal' }, fmtAmount(cur, o.subtotal)))
          : null,
        sum(o.tax?.description || 'Tax', o.tax),
        sum(o.shipping?.description || 'Shipping', o.shipping),
        sum(o.discount?.description || 'Discount', o.discount, '−'),
        el('tr', { class: 'total' }, el('td', {}, 'Total'), el('td', { class: 'n', 'data-testid': 'order-total' }, fmtAmount(cur, p.total_amount))),
      ),
    );
    const status = view?.status ?? o.status ?? 'pending';
    const pay = PAY[view?.payment_status ?? 'unpaid'] ?? PAY.unpaid;
    const state = el(
      'div',
      { class: 'state' },
      el('span', { class: `pill${status === 'canceled' ? ' bad' : ''}`, 'data-testid': 'order-state' }, STATUS[status] ?? status),
      el('span', { class: `pill ${pay[1]}`, 'data-testid': 'order-payment' }, pay[0]),
    );
    const expires = Number(o.expiration?.timestamp);
    if (pay[0] !== 'Paid' && expires) state.append(el('span', { class: 'pill' }, `Pay by ${clock(expires)}`));
    const lines = (ctx.updates.get(p.reference_id) ?? []).map((u) =>
      el('li', { 'data-testid': 'order-update' }, `${clock(u.ts)} · ${STATUS[u.status] ?? u.status}${u.description ? `: ${u.description}` : ''}`),
    );
    const card = el(
      'div',
      { class: 'card', 'data-testid': 'order-card', 'data-reference': p.reference_id },
      el(
        'div',
        { class: 'band' },
        icon([CART]),
        el('div', {}, el('b', {}, `${count} item${count === 1 ? '' : 's'}`), el('span', {}, `Order #${p.reference_id ?? ''}`)),
      ),
      v.body?.text ? linkify(v.body.text) : null,
      table,
      state,
      lines.length ? el('ul', { class: 'updates' }, lines) : null,
      v.footer?.text ? el('p', { class: 'foot' }, v.footer.text) : null,
    );
    if (view?.payable) {
      const go = (outcome) => () => ctx.pay(p.reference_id, outcome);
      card.append(
        el('button', { type: 'button', class: 'cta', 'data-testid': 'review-pay', onclick: go('success') }, 'Review and pay'),
        el(
          'div',
          { class: 'small' },
          el('button', { type: 'button', 'data-testid': 'pay-fail', onclick: go('failure') }, 'fail'),
          el('button', { type: 'button', 'data-testid': 'pay-pending', onclick: go('pending') }, 'pending'),
        ),
      );
    } else if (view?.payment_mode && view.payment_mode !== 'payment_gateway' && view.payment_status === 'unpaid') {
      card.append(el('p', { class: 'foot' }, 'Pay with a UPI app: the sandbox payment provider stands in for it.'));
    }
    return card;
  }

  function interactive(m, v, ctx) {
    const t = v.type;
    const body = v.body?.text ? linkify(v.body.text) : null;
    const header = v.header?.text ? el('p', { class: 'hdr' }, v.header.text) : null;
    const footer = v.footer?.text ? el('p', { class: 'foot' }, v.footer.text) : null;
    if (t === 'cta_url') {
      const a = v.action?.parameters ?? {};
      const href = safeUrl(a.url);
      const btn = href
        ? el('a', { class: 'cta', href, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'pay-now' }, icon([OPEN]), a.display_text ?? 'Open')
        : el('span', { class: 'cta' }, a.display_text ?? 'Open');
      return el('div', { class: 'card', 'data-testid': 'bill' }, header, body, footer, btn);
    }
    if (t === 'order_details') return orderCard(m, v, m.order, ctx);
    if (t === 'product' || t === 'product_list' || t === 'catalog_message') return catalogCard(m, v, ctx, header, body, footer);
    if (t === 'order_status') {
      const o = v.action?.parameters?.order ?? {};
      return el(
        'div',
        { 'data-testid': 'order-status', 'data-status': o.status },
        el('span', { class: 'tag' }, `Order #${v.action?.parameters?.reference_id ?? ''} · ${STATUS[o.status] ?? o.status ?? 'update'}`),
        body,
        footer,
      );
    }
    if (t === 'button') {
      const btns = (v.action?.buttons ?? []).map((b) => b.reply ?? {});
      return el(
        'div',
        {},
        header,
        body,
        footer,
        btns.map((r) =>
          el(
            'button',
            {
              type: 'button',
              class: 'cta',
              'data-testid': 'reply-button',
              onclick: () => ctx.reply(m, { type: 'button_reply', button_reply: { id: r.id, title: r.title } }),
            },
            r.title ?? '',
          ),
        ),
      );
    }
    if (t === 'list') {
      const open = ctx.openLists.has(m.id);
      const rows = (v.action?.sections ?? []).flatMap((s) => s.rows ?? []);
      return el(
        'div',
        {},
        header,
        body,
        footer,
        el('button', { type: 'button', class: 'cta', onclick: () => ctx.toggleList(m.id) }, v.action?.button ?? 'Choose'),
        open
          ? el(
              'ul',
              { class: 'list-rows' },
              rows.map((r) =>
                el(
                  'li',
                  {},
                  el(
                    'button',
                    {
                      type: 'button',
                      onclick: () => ctx.reply(m, { type: 'list_reply', list_reply: { id: r.id, title: r.title, description: r.description } }),
                    },
                    r.title ?? '',
                    r.description ? el('small', {}, r.description) : null,
                  ),
                ),
              ),
            )
          : null,
      );
    }
    if (t === 'flow') {
      // The CTA opens the Flow view (phone.flow.js); the sandbox plays WhatsApp's client.
      const p = v.action?.parameters ?? {};
      return el(
        'div',
        { 'data-testid': 'flow-message' },
        header,
        body,
        footer,
        el('button', { type: 'button', class: 'cta', 'data-testid': 'flow-open', onclick: () => ctx.openFlow(m) }, p.flow_cta ?? 'Open'),
      );
    }
    if (t === 'address_message') {
      // WhatsApp's address form: the button opens it (phone.address.js); the business's errors show here too.
      const errors = v.action?.parameters?.validation_errors;
      const list = errors && typeof errors === 'object' ? Object.values(errors).filter((e) => typeof e === 'string') : [];
      return el(
        'div',
        { class: 'card', 'data-testid': 'address-message' },
        header,
        body,
        list.length
          ? el(
              'ul',
              { class: 'updates', 'data-testid': 'address-message-errors' },
              list.map((e) => el('li', {}, e)),
            )
          : null,
        footer,
        el('button', { type: 'button', class: 'cta', 'data-testid': 'address-open', onclick: () => ctx.openAddress(m) }, 'Provide address'),
      );
    }
    const reply = v[t] ?? {};
    if (t === 'button_reply' || t === 'list_reply')
      return el('div', {}, linkify(reply.title ?? ''), reply.description ? el('p', { class: 'foot' }, reply.description) : null);
    if (t === 'nfm_reply' && reply.name === 'address_message')
      return el('div', { 'data-testid': 'address-sent' }, el('span', { class: 'tag' }, 'Address sent'), linkify(reply.body ?? 'Address'));
    if (t === 'nfm_reply') return el('div', {}, el('span', { class: 'tag' }, 'Form sent'), linkify(reply.body ?? 'Sent'));
    return el('div', {}, el('span', { class: 'tag' }, String(t ?? 'interactive').replace(/_/g, ' ')), header, body ?? linkify(m.preview), footer);
  }

  /** A product of the shop's catalog as a row: thumbnail (initial), name, price, and "Ask" (a product enquiry). */
  function productRow(rid, ctx) {
    const p = ctx.catalog?.get(rid);
    const name = p?.name ?? rid;
    const exp = p ? (ctx.exps[p.currency] ?? 2) : 2;
    return el(
      'li',
      { class: 'pitem', 'data-testid': 'list-product', 'data-retailer-id': rid },
      el('div', { class: 'thumb', 'aria-hidden': 'true' }, (String(name).trim()[0] ?? '?').toUpperCase()),
      el('div', { class: 'pinfo' }, el('div', { class: 'pname' }, name), p ? el('div', { class: 'price' }, `${p.currency} ${fmtMinor(p.price, exp)}`) : null),
      el('button', { type: 'button', 'data-testid': `ask-${rid}`, onclick: () => ctx.ask?.(rid) }, 'Ask'),
    );
  }

  /** Product, product list and catalog messages, with the products as the shop's catalog shows them. */
  function catalogCard(m, v, ctx, header, body, footer) {
    const a = v.action ?? {};
    if (v.type === 'catalog_message') {
      const thumb = a.parameters?.thumbnail_product_retailer_id;
      return el(
        'div',
        { class: 'card', 'data-testid': 'catalog-message' },
        thumb ? el('ul', { class: 'plist' }, productRow(thumb, ctx)) : null,
        body,
        footer,
        el('button', { type: 'button', class: 'cta', 'data-testid': 'view-catalog', onclick: () => ctx.openCatalog?.() }, 'View catalog'),
      );
    }
    const sections = v.type === 'product' ? [{ product_items: [{ product_retailer_id: a.product_retailer_id }] }] : Array.isArray(a.sections) ? a.sections : [];
    const count = sections.reduce((n, s) => n + (Array.isArray(s.product_items) ? s.product_items.length : 0), 0);
    return el(
      'div',
      { class: 'card', 'data-testid': v.type === 'product' ? 'product-message' : 'product-list' },
      header,
      body,
      el(
        'ul',
        { class: 'plist' },
        sections.flatMap((s) => [
          s.title ? el('li', { class: 'sec' }, s.title) : null,
          ...(Array.isArray(s.product_items) ? s.product_items : []).map((i) => productRow(i.product_retailer_id, ctx)),
        ]),
      ),
      footer,
      v.type === 'product_list'
        ? el(
            'button',
            { type: 'button', class: 'cta', 'data-testid': 'view-items', onclick: () => ctx.openCatalog?.() },
            `View ${count} item${count === 1 ? '' : 's'}`,
          )
        : null,
    );
  }

  function cart(v, ctx) {
    const items = Array.isArray(v.product_items) ? v.product_items : [];
    const count = items.reduce((n, i) => n + (Number(i.quantity) || 0), 0);
    const totals = {};
    const rows = items.map((i) => {
      const exp = ctx.exps[i.currency] ?? 2;
      const minor = Math.round(Number(i.item_price) * 10 ** exp) * (Number(i.quantity) || 0);
      totals[i.currency] = (totals[i.currency] ?? 0) + minor;
      const name = ctx.names.get(i.product_retailer_id) ?? i.product_retailer_id;
      return el('tr', {}, el('td', {}, `${name} × ${i.quantity}`), el('td', { class: 'n' }, `${i.currency} ${fmtMinor(minor, exp)}`));
    });
    const total = Object.entries(totals)
      .map(([c, n]) => `${c} ${fmtMinor(n, ctx.exps[c] ?? 2)}`)
      .join(' + ');
    return el(
      'div',
      { class: 'card', 'data-testid': 'cart' },
      el(
        'div',
        { class: 'band' },
        icon([CART]),
        el('div', {}, el('b', {}, `${count} item${count === 1 ? '' : 's'}`), el('span', {}, `${total} (estimated total)`)),
      ),
      el('table', { class: 'lines' }, el('tbody', {}, rows)),
      v.text ? linkify(v.text) : null,
    );
  }

  function content(m, ctx) {
    const v = m.payload && typeof m.payload === 'object' ? m.payload : {};
    switch (m.type) {
      case 'text':
        return linkify(v.body);
      case 'order':
        return cart(v, ctx);
      case 'interactive':
        return interactive(m, v, ctx);
      case 'template':
        return el(
          'div',
          {},
          el('span', { class: 'tag' }, 'Template'),
          linkify(m.preview),
          (Array.isArray(m.buttons) ? m.buttons : []).map((b) =>
            el('button', { type: 'button', class: 'cta', 'data-testid': 'quick-reply', onclick: () => ctx.tap(m, b) }, String(b.text ?? '')),
          ),
        );
      case 'button':
        return linkify(v.text ?? m.preview);
      case 'image':
      case 'document':
      case 'audio':
      case 'video':
      case 'sticker':
        return el(
          'div',
          {},
          el('span', { class: 'tag' }, m.type === 'document' ? `Document: ${String(v.filename ?? '')}` : m.type),
          v.caption ? linkify(v.caption) : null,
        );
      default:
        return linkify(m.preview ?? `[${m.type}]`);
    }
  }

  /** One chat row: a bubble with its content, the time and (for the customer's own messages, or failures) ticks. */
  function message(m, ctx) {
    const mine = m.direction === 'out';
    const bubble = el('div', { class: 'bubble' });
    const quoted = m.context?.id ? ctx.byId.get(m.context.id) : undefined;
    if (quoted) bubble.append(el('div', { class: 'quote' }, quoted.preview || `[${quoted.type}]`));
    bubble.append(content(m, ctx));
    if (m.status === 'failed') {
      const e = m.error ?? {};
      bubble.append(el('p', { class: 'err', 'data-testid': 'failed' }, `Not delivered${e.code ? ` (${e.code})` : ''}: ${e.title ?? e.message ?? 'failed'}`));
    }
    bubble.append(el('span', { class: 'meta' }, el('time', {}, clock(m.timestamp)), mine || m.status === 'failed' ? ticks(m.status) : null));
    return el(
      'div',
      {
        class: `row ${mine ? 'out' : 'in'}${m.status === 'failed' ? ' failed' : ''}`,
        'data-testid': 'message',
        'data-id': m.id,
        'data-type': m.type,
        'data-status': m.status,
        'data-direction': m.direction,
      },
      bubble,
    );
  }

  /** Status lines per order reference, from the order_status messages that reached the phone. */
  function orderUpdates(messages) {
    const map = new Map();
    for (const m of messages) {
      const v = m.payload;
      if (m.type !== 'interactive' || v?.type !== 'order_status' || m.status === 'failed') continue;
      const p = v.action?.parameters ?? {};
      const list = map.get(p.reference_id) ?? [];
      list.push({ status: p.order?.status, description: p.order?.description, ts: m.timestamp });
      map.set(p.reference_id, list);
    }
    return map;
  }

  window.PhoneRender = { el, icon, message, orderUpdates, fmtMinor, clock, safeUrl };
})();
