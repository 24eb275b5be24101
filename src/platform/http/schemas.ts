// Request schemas shared by routes. Objects are strict (unknown fields are a 400),
// and the same schemas generate /openapi.json.
import { z } from 'zod';
import { MAX_MINOR } from '../../domain/money.ts';

export const minorAmount = z
  .number({ message: 'must be an integer amount in minor units' })
  .int({ message: 'must be an integer amount in minor units' })
  .min(0, { message: 'must not be negative' })
  .max(MAX_MINOR, { message: `must be at most ${MAX_MINOR}` });

export const positiveAmount = minorAmount.min(1, { message: 'must be greater than zero' });

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as INR' });

export const waId = z.string().regex(/^\d{6,20}$/, { message: 'must be the customer WhatsApp number in international digits, e.g. 919876543210' });

export const bsuid = z
  .string()
  .regex(/^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/, { message: 'must be a business-scoped user id (BSUID) such as US.13491208655302741918' });

const customerName = z.string().min(1).max(200).optional();
/** A customer wherever the API takes one: "cus_…", {wa_id, name?} or {bsuid, name?}. */
export const customerRef = z.union([
  z.string().regex(/^cus_[0-9a-z]{26}$/, { message: 'must be a customer id such as cus_…' }),
  z.strictObject({ wa_id: waId, name: customerName }),
  z.strictObject({ bsuid, name: customerName }),
]);

export const idParam = (prefix: string) =>
  z.strictObject({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z]+_[0-9a-z]+$/, { message: `must be an id such as ${prefix}_…` }),
  });

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
});

export const metadata = z.record(z.string().min(1).max(40), z.string().max(500)).refine((m) => Object.keys(m).length <= 50, { message: 'at most 50 keys' });

const reportDate = z.string().max(10).describe('YYYY-MM-DD in the business time zone');
/** A report's days (GET /v1/reports/…): both optional, checked by the report (domain/reports/days.ts). */
export const reportRangeQuery = z.strictObject({
  from: reportDate.optional().describe('First day (default: 29 days before `to`)'),
  to: reportDate.optional().describe('Last day, included (default: today in the business time zone, or 29 days after `from`)'),
});
