import { describe, expect, it } from 'vitest';
import { addressLine, checkShippingAddress, fromWhatsAppAddress, whatsAppValues } from './address.ts';

const IN = { name: 'Asha', address_line1: '12 MG Road', city: 'Bengaluru', state: 'Karnataka', postal_code: '560001', country_code: 'IN' };

describe('checkShippingAddress', () => {
  it.each([
    ['a good Indian address', IN, null],
    ['trimmed, country upper-cased, PIN spaces dropped', { ...IN, name: '  Asha  ', country_code: 'in', postal_code: '560 001' }, null],
    ['a missing name', { ...IN, name: ' ' }, { name: 'Enter the name of the person receiving the order' }],
    ['a 5-digit PIN', { ...IN, postal_code: '56000' }, { postal_code: 'Enter the 6-digit PIN code' }],
    ['a PIN starting with 0', { ...IN, postal_code: '060001' }, { postal_code: 'Enter the 6-digit PIN code' }],
    ['India without a state', { ...IN, state: '' }, { state: 'Enter the state' }],
    ['a US address without a state', { ...IN, state: undefined, country_code: 'US', postal_code: '94105' }, null],
    ['a three-letter country', { ...IN, country_code: 'IND' }, { country_code: 'At most 2 characters' }],
    ['a country with a digit', { ...IN, country_code: 'I1' }, { country_code: 'Use the two-letter country code, such as IN' }],
    ['a newline', { ...IN, address_line1: 'a\nb' }, { address_line1: 'Use one line of plain text (no control characters)' }],
    ['a NUL', { ...IN, city: 'a\u0000' }, { city: 'Use one line of plain text (no control characters)' }],
    ['a lone surrogate', { ...IN, city: 'a\ud800' }, { city: 'Use one line of plain text (no control characters)' }],
    ['a line separator', { ...IN, city: 'a\u2028b' }, { city: 'Use one line of plain text (no control characters)' }],
    ['a long street', { ...IN, address_line1: 'x'.repeat(101) }, { address_line1: 'At most 100 characters' }],
    ['a number instead of text', { ...IN, city: 7 }, { city: 'Must be text' }],
    ['letters as a phone', { ...IN, phone_number: 'call me' }, { phone_number: 'Enter a phone number (digits, with the country code)' }],
  ])('%s', (_, input, errors) => {
    const r = checkShippingAddress(input as Record<string, unknown>);
    if (errors === null) expect(r.ok, JSON.stringify(r)).toBe(true);
    else expect(r).toEqual({ ok: false, error: errors });
  });

  it('keeps markup as text (it is escaped where shown)', () => {
    const r = checkShippingAddress({ ...IN, name: '<script>alert(1)</script>' });
    expect(r.ok && r.value.name).toBe('<script>alert(1)</script>');
  });
});

describe('fromWhatsAppAddress', () => {
  it("maps Meta's India fields", () => {
    const r = fromWhatsAppAddress({
      name: 'Asha',
      phone_number: '+919812345678',
      in_pin_code: '560001',
      house_number: '4B',
      tower_number: 'A',
      building_name: 'Sunrise',
      address: 'MG Road',
      landmark_area: 'Near metro',
      city: 'Bengaluru',
      state: 'Karnataka',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        name: 'Asha',
        phone_number: '+919812345678',
        address_line1: 'Flat 4B, Tower A, Sunrise, MG Road',
        address_line2: 'Near metro',
        city: 'Bengaluru',
        state: 'Karnataka',
        postal_code: '560001',
        country_code: 'IN',
      },
    });
    if (!r.ok) throw new Error('expected ok');
    expect(addressLine(r.value)).toBe('Asha, Flat 4B, Tower A, Sunrise, MG Road, Near metro, Bengaluru, Karnataka 560001, IN');
  });

  it("names the errors with Meta's fields", () => {
    expect(fromWhatsAppAddress({ name: 'A', in_pin_code: '1', city: 'B' })).toEqual({
      ok: false,
      error: { address: 'Enter the street address (house number and street)', state: 'Enter the state', in_pin_code: 'Enter the 6-digit PIN code' },
    });
  });

  it('prefills only known fields, one line each', () => {
    expect(whatsAppValues({ name: ' A ', evil: 'x', city: 'a\nb', in_pin_code: 5 })).toEqual({ name: 'A' });
  });
});
