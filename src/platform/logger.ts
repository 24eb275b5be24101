// Structured logs on stderr (stdout stays clean for CLI output such as --json),
// with tokens, secrets and customer phone numbers redacted.
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  // the console's session cookie
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-razorpay-signature"]',
  '*.authorization',
  '*.api_key',
  '*.apiKey',
  '*.key',
  '*.secret',
  '*.access_token',
  '*.token',
  '*.password',
  '*.webhook_secret',
  '*.key_secret',
  '*.secret_key',
  '*.wa_id',
  '*.phone',
  '*.phone_number',
  '*.to',
  '*.from',
  '*.recipient_id',
  '*.customer_wa_id',
  'customer.wa_id',
  'wa_id',
  'phone',
  // `*.x` matches one level down only: the same names at the top level of a log object.
  'authorization',
  'api_key',
  'apiKey',
  'access_token',
  'token',
  'secret',
  'password',
  'customer_wa_id',
  'phone_number',
];

export function createLogger(level: string, dest: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { svc: 'chatcart' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
}
