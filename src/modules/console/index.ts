// The console module's public surface: the merchant console's files at /console, and the
// bundle's build for `chatcart start` (built only when missing).
export * from './console.routes.ts';
export { consoleBuilt, ensureConsoleBuilt, CONSOLE_DIST } from './console.bundle.ts';
export type { BuildOutcome } from './console.bundle.ts';
