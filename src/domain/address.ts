// Delivery addresses of physical-goods orders: one shape (POST /v1/orders shipping_address),
// checked with messages a customer can act on, whether it comes from our pay page's form
// or from WhatsApp's address message (India: Meta's field names, mapped here).
import { err, ok, type Result } from './result.ts';

export interface ShippingAddress {
  name: string;
  phone_number?: string;
  address_line1: string;
  address_line2?: string;
  city: string;
  state?: string;
  postal_code: string;
  country_code: string;
}

export const ADDRESS_FIELDS = ['name', 'phone_number', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country_code'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

const MAX: Record<AddressField, number> = {
  name: 200,
  phone_number: 30,
  address_line1: 100,
  address_line2: 100,
  city: 100,
  state: 100,
  postal_code: 20,
  country_code: 2,
};
const REQUIRED: Record<AddressField, string | null> = {
  name: 'Enter the name of the person receiving the order',
  phone_number: null,
  address_line1: 'Enter the street address (house number and street)',
  address_line2: null,
  city: 'Enter the city',
  state: null,
  postal_code: 'Enter the postal code',
  country_code: 'Choose the country',
};

/** India's PIN: six digits, the first not 0. */
export const IN_PIN = /^[1-9][0-9]{5}$/;

// Control characters (tabs and newlines included: every field is one line), NUL, unpaired surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
type WellFormed = string & { isWellFormed(): boolean };

export type AddressCheck = Result<ShippingAddress, Partial<Record<AddressField, string>>>;

/**
 * Checks an address typed by a customer: every field trimmed and one line, required ones
 * present, lengths as POST /v1/orders takes them, a country as two letters and, in India,
 * a six-digit PIN and a state (WhatsApp's bill needs both). Blank optional fields are left out.
 */
export function checkShippingAddress(raw: Partial<Record<string, unknown>>): AddressCheck {
  const errors: Partial<Record<AddressField, string>> = {};
  const out: Record<string, string> = {};
  for (const f of ADDRESS_FIELDS) {
    const v = raw[f];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      errors[f] = 'Must be text';
      continue;
    }
    const s = f === 'country_code' ? (v ?? '').trim().toUpperCase() : (v ?? '').trim().replace(/ {2,}/g, ' ');
    if (s === '') {
      if (REQUIRED[f]) errors[f] = REQUIRED[f]!;
      continue;
    }
    if (CONTROL.test(s) || !(s as WellFormed).isWellFormed()) errors[f] = 'Use one line of plain text (no control characters)';
    else if ([...s].length > MAX[f]) errors[f] = `At most ${MAX[f]} characters`;
    else out[f] = s;
  }
  if (out['country_code'] !== undefined && !/^[A-Z]{2}$/.test(out['country_code'])) errors.country_code = 'Use the two-letter country code, such as IN';
  if (out['phone_number'] !== undefined && !/^\+?[0-9][0-9 ()-]{5,28}$/.test(out['phone_number']))
    errors.phone_number = 'Enter a phone number (digits, with the country code)';
  if (out['country_code'] === 'IN') {
    if (out['postal_code'] !== undefined && !IN_PIN.test(out['postal_code'].replace(/\s/g, ''))) errors.postal_code = 'Enter the 6-digit PIN code';
    else if (out['postal_code'] !== undefined) out['postal_code'] = out['postal_code'].replace(/\s/g, '');
    if (out['state'] === undefined && !errors.state) errors.state = 'Enter the state';
  }
  if (Object.keys(errors).length > 0) return err(errors);
  return ok(out as unknown as ShippingAddress);
}

/** The fields of WhatsApp's address message (India), as Meta names them. */
export const WA_ADDRESS_FIELDS = [
  'name',
  'phone_number',
  'in_pin_code',
  'house_number',
  'floor_number',
  'tower_number',
  'building_name',
  'address',
  'landmark_area',
  'city',
  'state',
] as const;
export type WaAddressField = (typeof WA_ADDRESS_FIELDS)[number];

/** Where each of our fields' errors is shown in WhatsApp's form. */
const WA_FIELD_OF: Record<AddressField, WaAddressField> = {
  name: 'name',
  phone_number: 'phone_number',
  address_line1: 'address',
  address_line2: 'landmark_area',
  city: 'city',
  state: 'state',
  postal_code: 'in_pin_code',
  country_code: 'address',
};

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/**
 * An address message's `values` as our shipping address: flat, floor, tower and building
 * join the street line ("Flat 4B, Floor 2, Tower A, Sunrise Apartments, MG Road"), the
 * landmark is the second line. Errors come back keyed by Meta's field names, ready to be
 * sent as the next address message's validation_errors.
 */
export function fromWhatsAppAddress(values: Record<string, unknown>): Result<ShippingAddress, Record<string, string>> {
  const parts = [
    str(values['house_number']) && `Flat ${str(values['house_number'])}`,
    str(values['floor_number']) && `Floor ${str(values['floor_number'])}`,
    str(values['tower_number']) && `Tower ${str(values['tower_number'])}`,
    str(values['building_name']),
    str(values['address']),
  ].filter((p) => p !== '');
  const r = checkShippingAddress({
    name: values['name'],
    phone_number: values['phone_number'],
    address_line1: parts.join(', '),
    address_line2: values['landmark_area'],
    city: values['city'],
    state: values['state'],
    postal_code: values['in_pin_code'],
    country_code: 'IN',
  });
  if (r.ok) return r;
  const errors: Record<string, string> = {};
  for (const [f, msg] of Object.entries(r.error)) errors[WA_FIELD_OF[f as AddressField]] ??= msg;
  return err(errors);
}

/** The values of an address message that prefill WhatsApp's form (what the customer sent, to correct). */
export function whatsAppValues(values: Record<string, unknown>): Partial<Record<WaAddressField, string>> {
  const out: Partial<Record<WaAddressField, string>> = {};
  for (const f of WA_ADDRESS_FIELDS) {
    const v = str(values[f]);
    if (v !== '' && !CONTROL.test(v)) out[f] = [...v].slice(0, 200).join('');
  }
  return out;
}

/** One line a person reads (a chat confirmation, the pay page). */
export function addressLine(a: ShippingAddress): string {
  return [a.name, a.address_line1, a.address_line2, a.city, [a.state, a.postal_code].filter(Boolean).join(' '), a.country_code].filter(Boolean).join(', ');
}
