// The house rules (docs/architecture.md), checked by `npm run lint`. Violations that
// existed when a rule was introduced are recorded in .dependency-cruiser-known-violations.json:
// that list may only shrink (`npm run lint:baseline` rewrites it; review the diff).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes start-up order and ownership unclear: break it by design (a port, a registration).',
      from: { path: '^(src|packages)/' },
      to: { circular: true },
    },
    {
      name: 'module-through-index',
      severity: 'error',
      comment: "A module is used by others only through its index.ts (its public surface).",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-modules-through-index',
      severity: 'error',
      comment: 'The CLI, the composition root and the sandbox use a module only through its index.ts.',
      from: { path: '^src/(cli|composition)/|^src/main\\.ts$|^packages/sandbox/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ is pure: it imports nothing of ours outside domain/ and no I/O.',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)|^(fs|net|http|https|child_process|node:fs|node:net|node:http|node:https|node:child_process)$' },
    },
    {
      name: 'platform-knows-no-module',
      severity: 'error',
      comment: 'platform/ is infrastructure: capabilities depend on it, never the other way round.',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|composition|cli)/|^packages/' },
    },
    {
      name: 'adapters-know-no-module',
      severity: 'error',
      comment: 'Adapters translate wire formats; they do not call use cases or repositories.',
      from: { path: '^src/adapters/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(modules|composition|cli)/|^packages/' },
    },
    {
      name: 'routes-and-cli-read-through-use-cases',
      severity: 'error',
      comment: 'Routes and CLI commands never import a repository: reads go through the module (queries or use cases).',
      from: { path: '^src/(modules/[^/]+/routes|cli)/' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'product-does-not-import-sandbox',
      severity: 'error',
      comment: 'The sandbox is a double of systems outside us: only the composition root wires it in.',
      // Tests may: they hold the product's and the doubles' halves of a protocol to each other.
      from: { path: '^src/', pathNot: ['^src/composition/', '\\.test\\.ts$'] },
      to: { path: '^packages/sandbox/' },
    },
    {
      name: 'sandbox-uses-public-surfaces',
      severity: 'error',
      comment:
        "The sandbox package is a double of systems outside us: it uses the product's modules through their index.ts and the pure domain, never platform internals or adapters (what it needs from the host comes through its SandboxHost port).",
      from: { path: '^packages/sandbox/' },
      to: { path: '^src/', pathNot: ['^src/modules/[^/]+/index\\.ts$', '^src/domain/'] },
    },
    {
      name: 'no-test-code-in-product',
      severity: 'error',
      from: { path: '^(src|packages)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/|\\.test\\.ts$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|packages)/',
    parser: 'swc', // TypeScript 7 has no compiler API for dependency-cruiser: swc parses the .ts files
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
