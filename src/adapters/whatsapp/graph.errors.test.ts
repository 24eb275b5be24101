import { describe, expect, it } from 'vitest';
import { classifyGraphError, graphErrorFromBody, type GraphErrorClass } from './graph.errors.ts';

describe('classifyGraphError', () => {
  it.each<[number, number, GraphErrorClass]>([
    // throttle: retry with backoff
    [130429, 400, 'throttle'],
    [130429, 429, 'throttle'],
    [4, 400, 'throttle'],
    [80007, 400, 'throttle'],
    [131048, 400, 'throttle'],
    [131057, 400, 'throttle'],
    // pair limit: delay that recipient only
    [131056, 400, 'pair_limit'],
    // token: pause the number's queue
    [190, 401, 'token'],
    [190, 400, 'token'],
    [0, 401, 'token'],
    // transient: retry
    [131000, 500, 'transient'],
    [131000, 400, 'transient'],
    [131016, 503, 'transient'],
    [-1, 0, 'transient'], // network error or timeout
    [-1, 502, 'transient'],
    [999999, 500, 'transient'], // any 5xx without a known code
    // permanent
    [131026, 400, 'permanent'],
    [131051, 400, 'permanent'],
    [131009, 400, 'permanent'],
    [131008, 400, 'permanent'],
    [100, 400, 'permanent'],
    [100, 500, 'permanent'], // the code wins over the HTTP status
    [131021, 400, 'permanent'],
    [130403, 400, 'permanent'],
    [131047, 400, 'permanent'], // re-engagement: the caller decides on a template
    [131049, 400, 'permanent'],
    [131050, 400, 'permanent'],
    [2046, 400, 'permanent'],
    [2047, 400, 'permanent'],
    [132001, 404, 'permanent'], // anything else 4xx
    [-1, 404, 'permanent'], // a 404 page without a Graph body: wrong base URL
    [-1, 429, 'throttle'], // a 429 without a Meta code still means slow down
  ])('code %i with HTTP %i is %s', (code, status, cls) => {
    expect(classifyGraphError(code, status)).toBe(cls);
  });
});

describe('graphErrorFromBody', () => {
  it("parses Meta's 130429 example verbatim", () => {
    const body = {
      error: {
        message: '(#130429) Rate limit hit',
        type: 'OAuthException',
        code: 130429,
        error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
        error_subcode: 2494055,
        fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      },
    };
    expect(graphErrorFromBody(body, 400)).toEqual({
      code: 130429,
      subcode: 2494055,
      title: 'Rate limit hit',
      message: '(#130429) Rate limit hit',
      details: 'Cloud API message throughput has been reached.',
      httpStatus: 400,
      fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam',
      class: 'throttle',
    });
  });

  it('accepts a string code and a string error_data, and omits what is absent', () => {
    expect(graphErrorFromBody({ error: { message: 'Invalid OAuth access token', code: '190', error_data: 'expired' } }, 401)).toEqual({
      code: 190,
      title: 'Invalid OAuth access token',
      message: 'Invalid OAuth access token',
      details: 'expired',
      httpStatus: 401,
      class: 'token',
    });
  });

  it('falls back to the HTTP status for a body that is not a Graph error', () => {
    expect(graphErrorFromBody(undefined, 502)).toMatchObject({ code: -1, httpStatus: 502, class: 'transient' });
    expect(graphErrorFromBody({ message: 'nope' }, 404)).toMatchObject({ code: -1, httpStatus: 404, class: 'permanent' });
  });
});
