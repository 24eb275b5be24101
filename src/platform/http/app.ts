// Builds the fastify app: zod validation and OpenAPI from the same schemas, the
// error envelope, request ids, raw bodies for signature checks, auth and rate limits on
// /v1 (per key, per merchant, and failed authentications per client address). The
// routes come from the composition root.
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { AppContext } from '../context.ts';
import { Readable } from 'node:stream';
import { domainError } from '../../domain/errors.ts';
import type { Principal, Role } from '../../domain/roles.ts';
import type { Tx } from '../store/db.ts';
import type { Result } from '../../domain/result.ts';
import { newId } from '../../domain/ids.ts';
import { findUnsafeStrings, jsonTooDeep, MAX_JSON_DEPTH, tooDeepMessage } from '../../domain/text.ts';
import { inputFault } from '../store/db-errors.ts';
import { envelope, sendError } from './errors.ts';
import { AUTHENTICATED, checkDeclaredStatus, openapiTransform, openapiTransformObject, responseSerializer, SECURITY_SCHEMES } from './openapi.ts';
import type { Metrics } from './metrics.ts';
import { clientBucket, TokenBuckets } from './rate-limit.ts';
import type { App, RouteDeps } from './route-deps.ts';
import { changesState, fromOwnOrigin, sessionTokenOf } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
    merchantId: string;
    /** The API key's id; '' when a console session authenticated the request. */
    keyId: string;
    /** Who asks: an API key (key_…, acting as the owner) or a console user (usr_…) with its role. */
    principal: Principal & { id: string };
    /** The console session (ses_…), when the session cookie authenticated the request; else ''. */
    sessionId: string;
    /** The merchant's settings, read with the key or the session (one statement less for a use case that needs them). */
    merchantSettings: Record<string, unknown>;
    /**
     * Set by the authorization hook when the route's change goes to the audit log; mutate()
     * calls it with the change's result inside the change's own transaction.
     */
    auditChange?: ((tx: Tx, value: unknown) => Promise<void>) | undefined;
  }
}

/** A console session, as the users module finds it from the cookie's token. */
export interface SessionAuth {
  merchantId: string;
  userId: string;
  role: Role;
  sessionId: string;
  merchantSettings: Record<string, unknown>;
}

export interface HttpOptions {
  ctx: AppContext;
  log: Logger;
  bodyLimit: number;
  rateLimit: {
    /** Per API key. */
    perSecond: number;
    burst: number;
    /** Per merchant, all its keys together. */
    merchantPerSecond: number;
    merchantBurst: number;
    /** Failed authentications per client address, counted before any key is looked up. */
    authFailuresPerMinute: number;
    authFailuresBurst: number;
  };
  /** How many reverse proxies to look through for the client address (X-Forwarded-For); 0 trusts none. */
  trustProxy: number;
  metrics: Metrics;
  /** METRICS_TOKEN: when set, GET /metrics needs it as a Bearer token. */
  metricsToken?: string | undefined;
  /** Who a presented API key acts for, or why it is refused (the merchants module answers; the composition root wires it). */
  authenticate: (presented: string) => Promise<Result<{ merchantId: string; keyId: string; merchantSettings: Record<string, unknown> }>>;
  /** Who a presented session token is signed in as, or why not (the users module answers). */
  authenticateSession?: (token: string) => Promise<Result<SessionAuth>>;
  /**
   * CHATCART_STRICT_RESPONSES (the tests): every answer must match its declared response
   * schema and status, else a 500. Off, answers are serialized as the presenters made them.
   */
  strictResponses?: boolean;
  /** The tags of /openapi.json, one per capability, with what each covers. */
  openapiTags?: { name: string; description: string }[];
  /** Registers every route: the composition root knows them, the platform does not. */
  registerRoutes: (app: App, deps: RouteDeps) => Promise<void>;
}

export type { App };

/** Every route an app registered (method, URL, schema): what the OpenAPI coverage test compares the document with. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema: Record<string, unknown> | undefined;
}
const registered = new WeakMap<object, RegisteredRoute[]>();
export const registeredRoutes = (app: App): RegisteredRoute[] => registered.get(app) ?? [];

/**
 * Closes the HTTP server within `withinMs`: no new connection is accepted, idle keep-alive
 * connections are closed at once, requests in flight may finish (their connections close
 * after the answer), and whatever is still open at the deadline is cut.
 */
export async function closeHttpApp(app: App, withinMs: number): Promise<void> {
  const cut = setTimeout(() => app.server.closeAllConnections(), Math.max(0, withinMs));
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

export async function buildHttpApp(o: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: o.log,
    bodyLimit: o.bodyLimit,
    genReqId: () => newId('req'),
    // Per-request access logs halve throughput; metrics and error logs cover it.
    logController: new LogController({ disableRequestLogging: true }),
    // The client address (req.ip) throttles failed authentications. Behind N proxies it is
    // the N-th address from the right of X-Forwarded-For, never one the client wrote itself
    // (a hop-count function: fastify takes a bare number as trusting nothing).
    trustProxy: o.trustProxy > 0 ? (_address: string, hop: number) => hop < o.trustProxy : false,
    // Errors raised before routing (a path that is not valid percent-encoded UTF-8) get the envelope too.
    frameworkErrors: (error, req, reply) => {
      reply.header('request-id', req.id);
      if (error.code === 'FST_ERR_BAD_URL') {
        const message = 'The path is not valid percent-encoded UTF-8';
        return sendError(req, reply, domainError('validation_error', `params: ${message}`, [{ path: 'params', message }]));
      }
      return sendError(req, reply, domainError('validation_error', error.message));
    },
  }).withTypeProvider<ZodTypeProvider>();
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (r) => {
    // Read later: the scopes' own onRoute hooks (openapi.ts) complete the schema after this one.
    for (const method of ([] as string[]).concat(r.method))
      routes.push({
        method,
        url: r.url,
        get schema() {
          return r.schema as Record<string, unknown> | undefined;
        },
      });
  });
  // Fastify hands a missing body to the validator as null; map it back to undefined so an
  // optional body (`{reason?}` on cancel, rotate, create key) accepts a POST without one.
  app.setValidatorCompiler((route) => {
    const validate = validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);
    return route.httpPart === 'body' ? (data: unknown) => validate(data === null ? undefined : data) : validate;
  });
  app.setSerializerCompiler(responseSerializer(o.strictResponses === true));

  // Keep the exact bytes: webhook signatures are computed over them, not over re-serialized JSON.
  app.removeContentTypeParser('application/json');
  // The API takes JSON only: a text/plain body is a 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    // Before JSON.parse: everything recursive after it (validation, JSON.stringify, jsonb) would see the depth.
    if (jsonTooDeep(body)) return done(Object.assign(new Error(tooDeepMessage()), { statusCode: 400, code: 'CHATCART_TOO_DEEP' }), undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON'), { statusCode: 400, code: 'CHATCART_MALFORMED_JSON' }), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
  });
  // Once close() has begun, every answer still being made ends its connection (a client's
  // keep-alive socket must not hold the server open); fastify answers new requests on open
  // connections 503 with Connection: close by itself.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // HSTS when the public URL is https (TLS ends at a proxy in front; browsers ignore the
  // header over plain http). No includeSubDomains: the operator's other hosts are not ours.
  const hsts = o.ctx.publicUrl.startsWith('https:');
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
    if (hsts) reply.header('strict-transport-security', 'max-age=31536000');
    // No page of ours is meant to be framed: an HTML answer that did not say so gets DENY
    // (older browsers; newer ones read the pages' CSP frame-ancestors).
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
  });
  if (o.strictResponses) {
    // A status the route does not declare is drift too: a 500 the tests see.
    app.addHook('onSend', async (req, reply, payload) => {
      const drift = checkDeclaredStatus(req, reply.statusCode);
      if (!drift) return payload;
      req.log.error(drift);
      reply.code(500).type('application/json');
      return JSON.stringify(envelope(req, domainError('internal_error', drift)));
    });
  }
  // No NUL and no unpaired surrogate in any string the request hands us (body, query, path),
  // whatever the route: PostgreSQL cannot store them, and no client means them. Refused
  // here, by path, before validation and before any route reads them. Bodies kept as bytes
  // (signed webhooks) or left a stream (reconciliation uploads) are not looked into: their routes decide.
  app.addHook('preValidation', async (req, reply) => {
    const found = [
      ...findUnsafeStrings(req.params, 'params'),
      ...findUnsafeStrings(req.query, 'querystring'),
      ...(Buffer.isBuffer(req.body) || req.body instanceof Readable ? [] : findUnsafeStrings(req.body, 'body')),
    ];
    const first = found[0];
    if (first) return sendError(req, reply, domainError('validation_error', `${first.path}: ${first.message}`, found));
  });
  app.addHook('onResponse', async (req, reply) => {
    o.metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'chatcart merchant API',
        version: '1',
        description: 'The merchant API (/v1) and the endpoints outside it that are not pages. Conventions: docs/api.md.',
      },
      components: { securitySchemes: SECURITY_SCHEMES },
      security: AUTHENTICATED,
      tags: o.openapiTags ?? [],
    },
    transform: openapiTransform,
    transformObject: openapiTransformObject,
    hideUntagged: false,
  });

  app.setErrorHandler((error: any, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const pathOf = (v: any, extra: string[] = []) =>
        [
          error.validationContext,
          ...String(v.instancePath ?? '')
            .split('/')
            .filter(Boolean),
          ...extra,
        ].join('.');
      // An unknown field is reported at its own path (body.customer.foo), not only at its parent's.
      const detailsOf = (v: any, extra: string[] = []): { path: string; message: string }[] => {
        if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) && v.params.keys.length) {
          return v.params.keys.map((k: unknown) => ({ path: pathOf(v, [...extra, String(k)]), message: 'Unrecognized key (unknown fields are not allowed)' }));
        }
        if (v.keyword === 'invalid_union') {
          const branch = unionBranchOf(v.params?.errors);
          if (branch) return branch.flatMap((i: any) => detailsOf({ ...v, keyword: i.code, message: i.message, params: i }, [...extra, ...i.path.map(String)]));
        }
        return [{ path: pathOf(v, extra), message: v.message }];
      };
      const details = error.validation.flatMap((v: any) => detailsOf(v));
      const first = details[0];
      return sendError(req, reply, domainError('validation_error', first ? `${first.path}: ${first.message}` : 'Invalid request', details));
    }
    const code = error?.code as string | undefined;
    // The route's own limit when it has one (reconciliation uploads allow 50 MB), else the app's.
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(req, reply, domainError('payload_too_large', `The request body is larger than ${req.routeOptions?.bodyLimit ?? o.bodyLimit} bytes`));
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(req, reply, domainError('unsupported_media_type', 'Send the body as application/json'));
    if (code === 'CHATCART_TOO_DEEP') {
      return sendError(
        req,
        reply,
        domainError('validation_error', error.message, [{ path: 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]),
      );
    }
    if (code === 'CHATCART_MALFORMED_JSON' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendError(req, reply, domainError('validation_error', error.message));
    }
    // Last line of defence: a statement the database refused for the values the request
    // brought is the request's fault (400/409), never a 500. Logged: validation missed it.
    const fault = inputFault(error);
    if (fault) {
      req.log.warn({ err: error }, 'the database refused a value from the request');
      return sendError(req, reply, domainError(fault.kind === 'conflict' ? 'conflict' : 'validation_error', fault.message));
    }
    const status = typeof error?.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) return sendError(req, reply, domainError(status === 404 ? 'not_found' : 'validation_error', error.message));
    req.log.error({ err: error }, 'unhandled error');
    return sendError(req, reply, domainError('internal_error', 'Something went wrong on our side; it has been logged'));
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, domainError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`)));

  const rl = o.rateLimit;
  // Real seconds, through the wall-clock port (a test moves it instead of sleeping).
  const realMs = () => o.ctx.wallClock.now().getTime();
  const keyBuckets = new TokenBuckets(rl.perSecond, rl.burst, realMs);
  const merchantBuckets = new TokenBuckets(rl.merchantPerSecond, rl.merchantBurst, realMs);
  const failureBuckets = new TokenBuckets(rl.authFailuresPerMinute / 60, rl.authFailuresBurst, realMs);
  const limited = (req: FastifyRequest, reply: any, wait: number, message: string) => {
    reply.header('retry-after', String(Math.max(1, Math.ceil(wait))));
    return sendError(req, reply, domainError('rate_limited', message));
  };
  app.decorateRequest('merchantId', '');
  app.decorateRequest('keyId', '');
  app.decorateRequest('sessionId', '');
  app.decorateRequest('merchantSettings', null as unknown as Record<string, unknown>);
  app.decorateRequest('principal', null as unknown as Principal & { id: string });
  app.decorateRequest('auditChange', undefined);
  // Either an API key (Authorization: Bearer) or the console's session cookie; a request
  // that brings a key is judged by the key alone.
  const authHook = async (req: FastifyRequest, reply: any) => {
    // An address that failed too often waits before any key of it is looked up. A failure
    // is charged after the fact, into debt, so a crowd of guesses at once is paid for too.
    const client = clientBucket(req.ip);
    const failWait = failureBuckets.wait(client);
    if (failWait > 0) return limited(req, reply, failWait, 'Too many failed authentications from this address; wait and retry with a valid API key');
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer (\S+)$/i.exec(h) : null;
    const sessionToken = h === undefined && o.authenticateSession ? sessionTokenOf(req) : undefined;
    if (!m && sessionToken) return sessionAuth(req, reply, sessionToken);
    if (!m) {
      failureBuckets.charge(client);
      return sendError(req, reply, domainError('unauthorized', 'Send your API key as Authorization: Bearer <key>, or sign in to the console'));
    }
    const authenticated = await o.authenticate(m[1]!);
    if (!authenticated.ok) {
      failureBuckets.charge(client);
      return sendError(req, reply, authenticated.error);
    }
    const auth = authenticated.value;
    // A token from the key's bucket and the merchant's, or from neither.
    const keyWait = keyBuckets.wait(auth.keyId);
    if (keyWait > 0) return limited(req, reply, keyWait, 'Too many requests for this API key; slow down and retry');
    const merchantWait = merchantBuckets.wait(auth.merchantId);
    if (merchantWait > 0) return limited(req, reply, merchantWait, 'Too many requests for this merchant (all of its API keys together); slow down and retry');
    keyBuckets.take(auth.keyId);
    merchantBuckets.take(auth.merchantId);
    req.merchantId = auth.merchantId;
    req.merchantSettings = auth.merchantSettings;
    req.keyId = auth.keyId;
    req.principal = { kind: 'api_key', role: 'owner', id: auth.keyId };
  };
  // A session token is 256 random bits: an unknown or expired one is not a guess worth
  // throttling (a console left open past its expiry polls with one), so it charges nothing.
  const sessionAuth = async (req: FastifyRequest, reply: any, token: string) => {
    const found = await o.authenticateSession!(token);
    if (!found.ok) return sendError(req, reply, found.error);
    const auth = found.value;
    if (changesState(req.method) && !fromOwnOrigin(req, o.ctx.publicUrl)) {
      return sendError(req, reply, domainError('forbidden', "A change made with the console's session cookie must come from the console's own origin"));
    }
    const userWait = keyBuckets.wait(auth.userId);
    if (userWait > 0) return limited(req, reply, userWait, 'Too many requests for this user; slow down and retry');
    const merchantWait = merchantBuckets.wait(auth.merchantId);
    if (merchantWait > 0) return limited(req, reply, merchantWait, 'Too many requests for this merchant; slow down and retry');
    keyBuckets.take(auth.userId);
    merchantBuckets.take(auth.merchantId);
    req.merchantId = auth.merchantId;
    req.merchantSettings = auth.merchantSettings;
    req.sessionId = auth.sessionId;
    req.principal = { kind: 'user', role: auth.role, id: auth.userId };
  };

  await o.registerRoutes(app, { ctx: o.ctx, authHook, metrics: o.metrics, metricsToken: o.metricsToken });
  return app;
}

/**
 * Of a union's failed branches (zod's `invalid_union`), the one the input was meant for: the
 * branch whose issues all lie inside the value (its shape matched, a field is wrong), the
 * fewest of them. `{"wa_id": 9198…}` for "cus_…" | {wa_id} | {bsuid} names customer.wa_id
 * instead of "customer: Invalid input". Undefined when no branch matched the shape.
 */
function unionBranchOf(branches: unknown): { code: string; path: PropertyKey[]; message: string }[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const inside = branches.filter(
    (b): b is { code: string; path: PropertyKey[]; message: string }[] =>
      Array.isArray(b) && b.length > 0 && b.every((i) => Array.isArray(i?.path) && i.path.length > 0),
  );
  return inside.sort((a, b) => a.length - b.length)[0];
}
