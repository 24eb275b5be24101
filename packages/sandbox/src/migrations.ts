// The doubles' own tables, in their own migrations (packages/sandbox/migrations), recorded
// in their own table: the composition root applies them after the product's, in sandbox mode.
import { fileURLToPath } from 'node:url';

export const SANDBOX_MIGRATIONS = {
  dir: fileURLToPath(new URL('../migrations/', import.meta.url)),
  table: 'sandbox_migrations',
} as const;
