// The sandbox phone's address form (served as /sandbox/phone/address.js): what WhatsApp
// shows when the customer taps an address message's button (India: Meta's fields, its
// labels, the PIN at most 6 characters). The business's `values` prefill it and its
// `validation_errors` show under their fields; sending answers the message with an
// nfm_reply named address_message whose response_json holds {values}, like WhatsApp.
'use strict';
(function () {
  const { el } = window.PhoneRender;
  const $ = (id) => document.getElementById(id);

  // Meta's address-messages guide (India): field, label, input type, max length.
  const FIELDS = [
    ['name', 'Name', 'text', 200],
    ['phone_number', 'Phone Number', 'tel', 20],
    ['in_pin_code', 'Pin Code', 'text', 6],
    ['house_number', 'Flat/House Number', 'text', 100],
    ['floor_number', 'Floor Number', 'text', 100],
    ['tower_number', 'Tower Number', 'text', 100],
    ['building_name', 'Building/Apartment Name', 'text', 100],
    ['address', 'Address', 'text', 300],
    ['landmark_area', 'Landmark/Area', 'text', 100],
    ['city', 'City', 'text', 100],
    ['state', 'State', 'text', 100],
  ];

  let A = null; // {message, send}

  function close() {
    A = null;
    $('address').hidden = true;
    $('address-body').replaceChildren();
  }

  /** Opens the form for address message `m`; `send(interactive)` answers it (and resolves true when sent). */
  function open(m, send) {
    const p = m.payload?.action?.parameters ?? {};
    const values = p.values && typeof p.values === 'object' ? p.values : {};
    const errors = p.validation_errors && typeof p.validation_errors === 'object' ? p.validation_errors : {};
    A = { message: m, send };
    const rows = FIELDS.map(([name, label, type, max]) => {
      const err = typeof errors[name] === 'string' ? errors[name] : '';
      return el(
        'label',
        { class: 'ffield' },
        el('span', { class: 'flabel' }, label),
        el('input', {
          name,
          type,
          maxlength: max,
          value: typeof values[name] === 'string' ? values[name] : '',
          'data-testid': `address-${name}`,
          'aria-invalid': err ? 'true' : null,
          inputmode: name === 'in_pin_code' ? 'numeric' : null,
        }),
        err ? el('span', { class: 'fhelp ferr', 'data-testid': `address-error-${name}` }, err) : null,
      );
    });
    $('address-body').replaceChildren(el('p', { class: 'fc' }, m.payload?.body?.text ?? 'Share your delivery address'), ...rows);
    $('address').hidden = false;
    $('address-body').querySelector('input')?.focus();
  }

  async function submit(ev) {
    ev.preventDefault();
    if (!A) return;
    const values = {};
    for (const input of $('address-body').querySelectorAll('input')) {
      const v = input.value.trim();
      if (v !== '') values[input.name] = v;
    }
    const summary = [values.name, [values.house_number, values.building_name, values.address].filter(Boolean).join(', '), values.city, values.in_pin_code]
      .filter(Boolean)
      .join('\n');
    const { message, send } = A;
    $('address-send').disabled = true;
    try {
      const sent = await send(message, {
        type: 'nfm_reply',
        nfm_reply: { name: 'address_message', body: summary || 'Address', response_json: JSON.stringify({ values }) },
      });
      if (sent !== false) close();
    } finally {
      $('address-send').disabled = false;
    }
  }

  function wire() {
    $('address-close').addEventListener('click', close);
    $('address-form').addEventListener('submit', submit);
  }

  document.addEventListener('DOMContentLoaded', wire);
  window.PhoneAddress = { open, close };
})();
