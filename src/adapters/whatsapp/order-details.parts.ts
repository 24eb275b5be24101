// The pieces of an order_details `parameters` object that are not money: payment settings,
// item compliance fields, India beneficiaries and the template variant's shipping_info.
// Field names and limits follow Meta's India payment pages (whatsapp.md §3.1, §3.2, §3.6).
import { ok, type Result } from '../../domain/result.ts';
import { checkText, isPlainObject, LIMITS, refuse } from './message.common.ts';

export type PaymentGatewayType = 'razorpay' | 'payu' | 'billdesk' | 'zaakpay';

export type PaymentSettingsInput =
  | {
      /** WhatsApp Pay deep integration with a payment gateway (payment_settings[]). */
      mode: 'whatsapp_gateway';
      gateway: PaymentGatewayType;
      configurationName: string;
      razorpay?: { receipt?: string; notes?: Record<string, string> };
      payu?: { udf1?: string; udf2?: string; udf3?: string; udf4?: string };
      zaakpay?: { extra1?: string; extra2?: string };
      billdesk?: Partial<Record<`additional_info${1 | 2 | 3 | 4 | 5 | 6 | 7}`, string>>;
    }
  | {
      /** Legacy UPI intent mode: payment_type "upi" + payment_configuration. */
      mode: 'upi_intent';
      configurationName: string;
    };

export interface ImporterAddressInput {
  addressLine1: string;
  addressLine2?: string;
  city: string;
  zoneCode: string;
  postalCode: string;
  countryCode: string;
}

export interface BeneficiaryInput {
  name: string;
  addressLine1: string;
  addressLine2?: string;
  city: string;
  state: string;
  /** Meta's example spells the country out: "India". */
  country: string;
  postalCode: string;
}

export interface ShippingAddressInput {
  name: string;
  phoneNumber: string;
  address: string;
  city: string;
  state: string;
  inPinCode: string;
  houseNumber?: string;
  towerNumber?: string;
  floorNumber?: string;
  buildingName?: string;
  landmarkArea?: string;
}

export interface ShippingInfoInput {
  country: string;
  /** Empty when the recipient's address is not known (Meta then asks the buyer). */
  addresses: ShippingAddressInput[];
}

const GATEWAY_EXTRA_LIMITS: Record<PaymentGatewayType, { keys: RegExp; max: number }> = {
  razorpay: { keys: /^(receipt|notes)$/, max: 40 },
  payu: { keys: /^udf[1-4]$/, max: 255 },
  zaakpay: { keys: /^extra[12]$/, max: 180 },
  billdesk: { keys: /^additional_info[1-7]$/, max: 120 },
};

function gatewayExtras(p: Extract<PaymentSettingsInput, { mode: 'whatsapp_gateway' }>): Result<Record<string, unknown> | undefined> {
  for (const other of Object.keys(GATEWAY_EXTRA_LIMITS) as PaymentGatewayType[]) {
    if (other !== p.gateway && p[other] !== undefined) {
      return refuse(`payment.${other}`, `payment.${other} does not apply to gateway ${p.gateway}`);
    }
  }
  const extra = p[p.gateway];
  if (extra === undefined) return ok(undefined);
  if (!isPlainObject(extra)) return refuse(`payment.${p.gateway}`, `payment.${p.gateway} must be an object`);
  const rule = GATEWAY_EXTRA_LIMITS[p.gateway];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    const path = `payment.${p.gateway}.${k}`;
    if (v === undefined) continue;
    if (!rule.keys.test(k)) return refuse(path, `${path} is not a field Meta accepts`);
    if (k === 'notes') {
      if (!isPlainObject(v)) return refuse(path, `${path} must be an object`);
      const entries = Object.entries(v);
      if (entries.length > 15) return refuse(path, `${path} allows at most 15 keys`);
      for (const [nk, nv] of entries) {
        const bad = checkText(`${path}.${nk}`, nv, 256);
        if (bad) return bad;
      }
      out.notes = { ...v };
      continue;
    }
    const bad = checkText(path, v, rule.max);
    if (bad) return bad;
    out[k] = v;
  }
  return ok(out);
}

/** Adds payment_settings (gateway) or payment_type + payment_configuration (UPI intent). */
export function paymentFields(p: PaymentSettingsInput): Result<Record<string, unknown>> {
  if (!isPlainObject(p)) return refuse('payment', 'payment settings are required');
  const name = checkText('payment.configurationName', p.configurationName, LIMITS.configurationName);
  if (name) return name;
  if (p.mode === 'upi_intent') return ok({ payment_type: 'upi', payment_configuration: p.configurationName });
  if (p.mode !== 'whatsapp_gateway') return refuse('payment.mode', 'payment.mode must be whatsapp_gateway or upi_intent');
  if (!(p.gateway in GATEWAY_EXTRA_LIMITS)) return refuse('payment.gateway', 'payment.gateway must be razorpay, payu, billdesk or zaakpay');
  const extras = gatewayExtras(p);
  if (!extras.ok) return extras;
  const gateway: Record<string, unknown> = { type: p.gateway, configuration_name: p.configurationName };
  if (extras.value !== undefined) gateway[p.gateway] = extras.value;
  return ok({ payment_settings: [{ type: 'payment_gateway', payment_gateway: gateway }] });
}

type Rule = [key: string, wire: string, max: number, required: boolean, shape?: RegExp];

function fields(path: string, input: unknown, rules: Rule[]): Result<Record<string, unknown>> {
  if (!isPlainObject(input)) return refuse(path, `${path} must be an object`);
  const out: Record<string, unknown> = {};
  for (const [key, wire, max, required, shape] of rules) {
    const v = input[key];
    const bad = checkText(`${path}.${key}`, v, max, required);
    if (bad) return bad;
    if (v === undefined) continue;
    if (shape && !shape.test(v as string)) return refuse(`${path}.${key}`, `${path}.${key} has an invalid format`);
    out[wire] = v;
  }
  return ok(out);
}

const SIX_DIGITS = /^\d{6}$/;
const POSTAL = /^[A-Za-z0-9 -]{2,10}$/;

export function importerAddress(path: string, a: ImporterAddressInput | undefined): Result<Record<string, unknown>> {
  const r = fields(path, a, [
    ['addressLine1', 'address_line1', 100, true],
    ['addressLine2', 'address_line2', 100, false],
    ['city', 'city', 120, true],
    ['zoneCode', 'zone_code', 2, true, /^[A-Z]{2}$/],
    ['postalCode', 'postal_code', 10, true, a?.countryCode === 'IN' ? SIX_DIGITS : POSTAL],
    ['countryCode', 'country_code', 2, true, /^[A-Z]{2}$/],
  ]);
  return r;
}

export function beneficiaries(list: BeneficiaryInput[] | undefined): Result<Record<string, unknown>[]> {
  if (!Array.isArray(list) || list.length === 0) {
    return refuse('beneficiaries', 'physical goods paid in INR need at least one beneficiary (shipping address)');
  }
  const out: Record<string, unknown>[] = [];
  for (const [i, b] of list.entries()) {
    const r = fields(`beneficiaries.${i}`, b, [
      ['name', 'name', 200, true],
      ['addressLine1', 'address_line1', 100, true],
      ['addressLine2', 'address_line2', 100, false],
      ['city', 'city', 100, true],
      ['state', 'state', 100, true],
      ['country', 'country', 100, true],
      ['postalCode', 'postal_code', 6, true, SIX_DIGITS],
    ]);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

export function shippingInfo(s: ShippingInfoInput | undefined): Result<Record<string, unknown>> {
  if (!isPlainObject(s)) return refuse('shippingInfo', 'physical goods need shippingInfo (addresses may be empty)');
  if (typeof s.country !== 'string' || !/^[A-Z]{2}$/.test(s.country)) {
    return refuse('shippingInfo.country', 'shippingInfo.country must be a two-letter country code');
  }
  if (!Array.isArray(s.addresses)) return refuse('shippingInfo.addresses', 'shippingInfo.addresses must be an array');
  const addresses: Record<string, unknown>[] = [];
  for (const [i, a] of s.addresses.entries()) {
    // Lengths from Meta's checkout-button-templates parameter table.
    const r = fields(`shippingInfo.addresses.${i}`, a, [
      ['name', 'name', 256, true],
      ['phoneNumber', 'phone_number', 12, true, /^\d{6,12}$/],
      ['address', 'address', 512, true],
      ['city', 'city', 100, true],
      ['state', 'state', 100, true],
      ['inPinCode', 'in_pin_code', 6, true, SIX_DIGITS],
      ['houseNumber', 'house_number', 8, false],
      ['towerNumber', 'tower_number', 8, false],
      ['floorNumber', 'floor_number', 10, false],
      ['buildingName', 'building_name', 128, false],
      ['landmarkArea', 'landmark_area', 128, false],
    ]);
    if (!r.ok) return r;
    addresses.push(r.value);
  }
  return ok({ country: s.country, addresses });
}
