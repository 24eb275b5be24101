// What /openapi.json says about every route, filled in from one place so that no route
// has to repeat it: the capability's tag, the error statuses (each with the error
// envelope), the security of the route's scope, and the Idempotency-Key header of the
// routes that take one. A route declares what only it knows: its success status and the
// zod schema of its answer (from the module's presenter), and any error status beyond the
// defaults. The same response schemas are the serializers; with strict responses (tests)
// an answer that drifts from them fails (see `responseSerializer`).
import { isDeepStrictEqual } from 'node:util';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { safeEncode, type $ZodType } from 'zod/v4/core';
import { ERROR_CODES, type ErrorCode } from '../../domain/errors.ts';
import { STATUS_OF } from './errors.ts';
import type { App } from './route-deps.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `required`: the route refuses a request without an Idempotency-Key (mutate() reads
     * this); `none`: the route takes no key (it does not go through mutate()). Unset: a
     * change behind authentication accepts one.
     */
    idempotencyKey?: 'required' | 'none';
    /**
     * The JSON body of a route that parses its body itself (it also takes other content
     * types): shown in /openapi.json, never used to validate (the handler does).
     */
    documentedBody?: z.ZodType;
  }
}

/** The error envelope every error answer uses: {"error":{"code","message","details"?,"request_id"}}. */
export const errorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string().describe('For people: what went wrong and how to fix it'),
      details: z.unknown().optional().describe('For programs: which fields or headers, the allowed transitions, …'),
      request_id: z.string().describe('The request-id header of this answer (req_…)'),
    }),
  })
  .meta({ id: 'Error', description: 'The error envelope' });

export const SECURITY_SCHEMES = {
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer cc_test_…` (sandbox) or `cc_live_…`' },
  sessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'chatcart_session',
    description: "The console's session cookie, from POST /v1/sessions (a change must come from the console's own origin)",
  },
} as const;

/** Either an API key or the console's session cookie. */
export const AUTHENTICATED: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

const SUCCESS_DESCRIPTION: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: the work completes later',
  '204': 'No content',
  '303': 'See other',
};

/** The codes of each error status, for the descriptions. */
const CODES_OF = new Map<number, ErrorCode[]>();
for (const code of ERROR_CODES) CODES_OF.set(STATUS_OF[code], [...(CODES_OF.get(STATUS_OF[code]) ?? []), code]);

export interface DocumentOptions {
  /** The capability (module name) the routes belong to. */
  tag: string;
  /** Behind the API key or the session cookie (the /v1 scope); else public. */
  authenticated: boolean;
}

/**
 * Fills in, for every route registered in `app`'s scope from now on: the tag, the error
 * statuses a route of its kind can answer (400 and 500 always; 401, 403 and 429 behind
 * authentication; 404 with a path parameter, or for a change (its body may name an
 * object); 409, 413, 415 and 422 for a change), and
 * `security: []` for public ones. A status the route declared itself is kept.
 */
export function documentRoutes(app: App, o: DocumentOptions): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = (route.schema ??= {}) as Record<string, unknown>;
    if (schema.hide) return;
    schema.tags = [o.tag];
    if (!o.authenticated) schema.security ??= [];
    const methods = ([] as string[]).concat(route.method);
    const changes = methods.some((m) => m !== 'GET' && m !== 'HEAD');
    const statuses = [400, 500];
    if (o.authenticated) statuses.push(401, 403, 429);
    if (route.url.includes(':') || (changes && o.authenticated)) statuses.push(404);
    if (changes && o.authenticated) statuses.push(409, 422);
    if (changes) statuses.push(413);
    if (changes && (o.authenticated || schema.body)) statuses.push(415);
    const response = (schema.response ??= {}) as Record<string, unknown>;
    for (const s of statuses) response[s] ??= errorEnvelope;
  });
}

/** Whether a route takes an Idempotency-Key, and must: for the document and for mutate(). */
export function idempotencyOf(route: { method: string | string[]; url: string; config?: { idempotencyKey?: 'required' | 'none' } }, authenticated: boolean) {
  const methods = ([] as string[]).concat(route.method);
  if (!authenticated || methods.every((m) => m === 'GET' || m === 'HEAD') || route.config?.idempotencyKey === 'none') return 'none';
  return route.config?.idempotencyKey === 'required' ? 'required' : 'optional';
}

/** Whether the route needs an Idempotency-Key (its config says so). */
export const keyRequired = (req: FastifyRequest) => req.routeOptions.config.idempotencyKey === 'required';

const IDEMPOTENCY_HEADER = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7e]+$',
  description:
    'A key of yours (1–255 printable ASCII) that makes a retry safe: the same key with the same body replays the first answer (Idempotent-Replayed: true); with another body or path it is 422; while the first request runs, 409. Kept at least 24 hours.',
};

/**
 * The swagger transform: the zod schemas as JSON Schema (fastify-type-provider-zod), the
 * Idempotency-Key header where the route takes one, and a description for every response.
 */
export function openapiTransform(input: Parameters<typeof jsonSchemaTransform>[0]) {
  const route = (input as unknown as { route: RouteOptions }).route;
  const documentedBody = route.config?.documentedBody;
  const out = jsonSchemaTransform(documentedBody && input.schema ? { ...input, schema: { ...input.schema, body: documentedBody } } : input) as {
    schema: Record<string, any>;
    url: string;
  };
  const schema = out.schema;
  if (!schema || schema.hide) return out;
  const authenticated = !Array.isArray(schema.security) || schema.security.length > 0;
  const key = idempotencyOf(route, authenticated);
  if (key !== 'none') {
    schema.headers = {
      type: 'object',
      properties: { ...(schema.headers?.properties ?? {}), 'Idempotency-Key': IDEMPOTENCY_HEADER },
      required: [...(schema.headers?.required ?? []), ...(key === 'required' ? ['Idempotency-Key'] : [])],
    };
  }
  for (const [status, r] of Object.entries<Record<string, any>>(schema.response ?? {})) {
    if (r.description) continue;
    const codes = CODES_OF.get(Number(status));
    r.description = codes ? `Error: ${codes.join(', ')}` : (SUCCESS_DESCRIPTION[status] ?? 'OK');
  }
  return out;
}

/**
 * The document's components: the zod schemas registered with an id (`.meta({ id })`, the
 * presenters' objects), each under its name. fastify-type-provider-zod writes every one
 * twice, as input (`OrderInput`) and output (`Order`); an input copy no operation refers
 * to is left out, so a generated client has one type per object.
 */
export function openapiTransformObject(input: Parameters<typeof jsonSchemaTransformObject>[0]) {
  const doc = jsonSchemaTransformObject(input);
  const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (!schemas) return doc;
  const text = JSON.stringify({ ...doc, components: { ...(doc as { components?: object }).components, schemas: undefined } });
  const used = (name: string) => text.includes(`"#/components/schemas/${name}"`);
  for (const name of Object.keys(schemas)) if (name.endsWith('Input') && name.slice(0, -'Input'.length) in schemas && !used(name)) delete schemas[name];
  return doc;
}

class ResponseDrift extends Error {
  constructor(method: string, url: string, status: number, why: string) {
    super(`The answer of ${method} ${url} (${status}) does not match its declared response schema: ${why}`);
  }
}

/**
 * The serializer of declared responses. Lenient (production): the presenter's object as
 * JSON, unchanged — a presenter and its schema drifting apart must not take an answer down
 * or silently drop a field. Strict (CHATCART_STRICT_RESPONSES, on in the tests): the answer
 * must parse with its schema and lose nothing in doing so (an undeclared field is drift too),
 * else a 500 that fails the test.
 */
export function responseSerializer(strict: boolean) {
  return ({ schema, method, url, httpStatus }: { schema: unknown; method: string; url: string; httpStatus?: string }) => {
    if (!strict) return (data: unknown) => JSON.stringify(data);
    const zodSchema = schema as $ZodType;
    return (data: unknown) => {
      const result = safeEncode(zodSchema, data);
      if (result.error) throw new ResponseDrift(method, url, Number(httpStatus), z.prettifyError(result.error));
      const sent = JSON.parse(JSON.stringify(data));
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(result.data)), sent)) {
        throw new ResponseDrift(method, url, Number(httpStatus), `the schema drops or changes a field of ${JSON.stringify(sent).slice(0, 500)}`);
      }
      return JSON.stringify(data);
    };
  };
}

/**
 * Strict responses also check the status: an answer whose status the route did not declare
 * is drift (the document would not tell a client about it). Hidden routes and answers
 * without a schema (pages, redirects, files) are not checked.
 */
export function checkDeclaredStatus(req: FastifyRequest, statusCode: number): string | null {
  const schema = req.routeOptions.schema as Record<string, any> | undefined;
  if (!schema || schema.hide || !schema.response) return null;
  const declared = Object.keys(schema.response);
  const s = String(statusCode);
  if (declared.includes(s) || declared.includes(`${s[0]}XX`) || declared.includes(`${s[0]}xx`) || declared.includes('default')) return null;
  return `${req.method} ${req.routeOptions.url} answered ${statusCode}, which its schema does not declare (declared: ${declared.join(', ')})`;
}
