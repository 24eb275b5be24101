// The address classifier and the URL check as tables, and the guarded lookup with an
// injected resolver: nothing here resolves a real name or opens a connection.
import { describe, expect, it } from 'vitest';
import { addressAllowed, checkTargetUrl, classifyAddress, guardedLookup, networkPolicyFor, parseIPv6, type NetworkPolicy, type Resolver } from './ssrf.ts';

const live: NetworkPolicy = networkPolicyFor('live', false);
const sandbox: NetworkPolicy = networkPolicyFor('sandbox', false);
const operatorAllows: NetworkPolicy = networkPolicyFor('live', true);

describe('classifyAddress', () => {
  it.each([
    // IPv4
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.0.1', 'link_local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // IPv6
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    // IPv4-mapped and friends: the embedded IPv4 address decides
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a01:203', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    // Not addresses
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
    ['2130706433', 'invalid'],
    ['010.0.0.1', 'invalid'],
    ['256.0.0.1', 'invalid'],
    ['1::2::3', 'invalid'],
    ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ['12345::1', 'invalid'],
  ])('%s is %s', (ip, cls) => expect(classifyAddress(ip)).toBe(cls));

  it('parses IPv6 forms to the same bytes', () => {
    expect(parseIPv6('::ffff:127.0.0.1')).toEqual(parseIPv6('::ffff:7f00:1'));
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]);
    expect(parseIPv6('1::')).toEqual([0, 1, ...Array(14).fill(0)]);
    expect(parseIPv6(':1.2.3.4')).toBeNull();
  });
});

describe('addressAllowed by policy', () => {
  it.each([
    ['public', true, true, true],
    ['loopback', false, true, true],
    ['private', false, false, true],
    ['link_local', false, false, true],
    ['metadata', false, false, false],
    ['unspecified', false, false, false],
    ['multicast', false, false, false],
    ['reserved', false, false, false],
    ['invalid', false, false, false],
  ] as const)('%s: live %s, sandbox %s, WEBHOOK_ALLOW_PRIVATE %s', (cls, inLive, inSandbox, allowed) => {
    expect(addressAllowed(cls, live)).toBe(inLive);
    expect(addressAllowed(cls, sandbox)).toBe(inSandbox);
    expect(addressAllowed(cls, operatorAllows)).toBe(allowed);
  });
});

describe('checkTargetUrl (registration)', () => {
  it.each([
    ['https://crm.example.com/hooks', true],
    ['http://crm.example.com:8080/hooks?x=1', true],
    ['https://8.8.8.8/', true],
    ['https://[2606:4700:4700::1111]/', true],
    // A name is checked when connecting, not here (it may resolve differently then).
    ['http://localhost:3000/', true],
    ['http://127.0.0.1/', false],
    ['http://127.1/', false],
    ['http://2130706433/', false],
    ['http://0x7f.1/', false],
    ['http://0x7f000001/', false],
    ['http://017700000001/', false],
    ['http://0177.0.0.1/', false],
    ['http://[::1]/', false],
    ['http://[::ffff:127.0.0.1]/', false],
    ['http://[::ffff:7f00:1]/', false],
    ['http://10.0.0.1/', false],
    ['http://0xa000001/', false],
    ['http://192.168.0.10/', false],
    ['http://172.20.1.1/', false],
    ['http://169.254.169.254/latest/meta-data/', false],
    ['http://0xa9fea9fe/', false],
    ['http://[fe80::1]/', false],
    ['http://[fd00::1]/', false],
    ['http://0.0.0.0/', false],
    ['http://0/', false],
    ['http://224.0.0.1/', false],
    ['ftp://crm.example.com/', false],
    ['file:///etc/passwd', false],
    ['gopher://crm.example.com/', false],
    ['javascript:alert(1)', false],
    ['crm.example.com/hooks', false],
    ['http://', false],
  ])('%s accepted in live mode: %s', (url, accepted) => {
    const r = checkTargetUrl(url, live);
    expect(r.ok, r.ok ? '' : r.error).toBe(accepted);
  });

  it('sandbox mode allows loopback only; the operator can allow private networks but never metadata', () => {
    expect(checkTargetUrl('http://127.0.0.1:9/', sandbox).ok).toBe(true);
    expect(checkTargetUrl('http://2130706433/', sandbox).ok).toBe(true);
    expect(checkTargetUrl('http://10.0.0.1/', sandbox).ok).toBe(false);
    expect(checkTargetUrl('http://10.0.0.1/', operatorAllows).ok).toBe(true);
    expect(checkTargetUrl('http://169.254.169.254/', operatorAllows).ok).toBe(false);
  });

  it('names the refused address in the reason', () => {
    expect(checkTargetUrl('http://0x7f.1/', live)).toEqual({ ok: false, error: 'names a refused address 127.0.0.1 (loopback)' });
  });
});

describe('guardedLookup (connect time)', () => {
  const resolver =
    (table: Record<string, string[]>): Resolver =>
    async (h) =>
      (table[h] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const lookup = (policy: NetworkPolicy, r: Resolver, host: string, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number | undefined }>((resolve) =>
      guardedLookup(policy, r)(host, options as never, (err, address, family) => resolve({ err, address, family })),
    );
  const table = resolver({
    'crm.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
    'internal.example.com': ['10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
    'mapped.example.com': ['::ffff:7f00:1'],
    localhost: ['127.0.0.1', '::1'],
  });

  it('passes public names through, honouring family and all', async () => {
    expect(await lookup(live, table, 'crm.example.com')).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect(await lookup(live, table, 'crm.example.com', { family: 6 })).toEqual({ err: null, address: '2606:2800:220:1::1', family: 6 });
    expect((await lookup(live, table, 'crm.example.com', { all: true })).address).toHaveLength(2);
  });

  it.each(['rebind.example.com', 'internal.example.com', 'metadata.example.com', 'mapped.example.com', 'localhost'])(
    'refuses %s in live mode (any refused address refuses the name)',
    async (host) => {
      const r = await lookup(live, table, host, { all: true });
      expect(r.err?.code).toBe('ERR_SSRF_REFUSED');
      expect(r.err?.message).toMatch(/resolves to a refused address/);
    },
  );

  it('allows localhost in sandbox mode and refuses a name without addresses', async () => {
    expect((await lookup(sandbox, table, 'localhost')).err).toBeNull();
    expect((await lookup(sandbox, table, 'internal.example.com')).err?.code).toBe('ERR_SSRF_REFUSED');
    expect((await lookup(live, table, 'nothing.example.com')).err?.message).toMatch(/no address/);
  });
});
