// The `chatcart` command. Commands call the same app/ use cases as HTTP. With the
// embedded database, commands that open it need the server stopped (the folder is
// locked); with PostgreSQL they run beside it.
import fs from 'node:fs';
import { ConfigError, loadConfig } from '../config.ts';
import { DataDirInUseError } from '../platform/store/open.ts';
import { UsageError } from './args.ts';
import { runBookings } from './commands/bookings.ts';
import { runDb } from './commands/db.ts';
import { runDocs } from './commands/docs.ts';
import { runEvents } from './commands/events.ts';
import { runExport } from './commands/export.ts';
import { runPurge } from './commands/purge.ts';
import { runFlows } from './commands/flows.ts';
import { runKeys } from './commands/keys.ts';
import { runMerchants } from './commands/merchants.ts';
import { runMigrate, runStart, runWorker } from './commands/server.ts';
import { runReconcile } from './commands/reconcile.ts';
import { runWhatsApp } from './commands/whatsapp.ts';
import { runUsers } from './commands/users.ts';

const USAGE = `usage: chatcart <command>

  start                               HTTP server and job workers (npm start)
  worker                              job workers only (scale out on PostgreSQL)
  migrate                             apply database migrations
  merchants create --name NAME [--json]
  merchants list [--json]
  keys create|list --merchant ID [--json]
  keys rotate|revoke --merchant ID --key KEY_ID [--grace SECONDS] [--json]
  keys reencrypt [--dry-run] [--json]
  users create --merchant ID --email E --role owner|admin|agent [--name N] [--password-stdin] [--json]
                                      a console user; without a password, prints a one-time link to set one
  users list --merchant ID [--json]
  users reset-password --email E [--json]   prints a one-time link (1 hour) to choose a new password
  flows keygen --merchant ID [--rotate] [--json]   WhatsApp Flows key pair: prints the public key
  flows pubkey --merchant ID [--json]
  flows keywords set KEYWORD --flow NAME [--flow-id ID] --merchant ID | list | delete KEYWORD   keywords that answer with a flow
  bookings list --merchant ID [--status S] [--from ISO --to ISO] [--json]
  bookings cancel --merchant ID --booking bkg_… [--reason TEXT] [--json]   frees the slot (as POST /v1/bookings/{id}/cancel)
  whatsapp show|set --merchant ID [--phone-number-id N] [--access-token T] [--waba-id N] [--catalog-id N] [--throughput N]
  db copy --to postgres://…           copy the embedded database into PostgreSQL
  events replay --merchant ID --endpoint whe_… (--event evt_… | --from ISO --to ISO)
  export orders|payments|refunds --merchant ID --from ISO --to ISO [--out FILE]   CSV (to stdout without --out)
  purge [--dry-run] [--json]          redact personal data past its retention (RETENTION_DAYS_*)
  reconcile FILE --merchant ID --format razorpay|stripe|generic [--provider P] [--map Col=field,…] [--amount-unit minor|major] [--from ISO --to ISO] [--json]
                                      match a settlement report; exit 3 when there are mismatches
  docs transitions|roles              write docs/state-machines.md or docs/roles.md from the code

Configuration is read from the environment: see README.md.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return cmd ? 0 : 2;
  }
  if (cmd === 'docs') return runDocs(rest);
  const cfg = loadConfig();
  switch (cmd) {
    case 'start':
      return runStart(cfg);
    case 'worker':
      return runWorker(cfg);
    case 'migrate':
      return runMigrate(cfg);
    case 'merchants':
      return runMerchants(cfg, rest);
    case 'keys':
      return runKeys(cfg, rest);
    case 'users':
      return runUsers(cfg, rest);
    case 'flows':
      return runFlows(cfg, rest);
    case 'db':
      return runDb(cfg, rest);
    case 'events':
      return runEvents(cfg, rest);
    case 'export':
      return runExport(cfg, rest);
    case 'purge':
      return runPurge(cfg, rest);
    case 'reconcile':
      return runReconcile(cfg, rest);
    case 'whatsapp':
      return runWhatsApp(cfg, rest);
    case 'bookings':
      return runBookings(cfg, rest);
    default:
      throw new UsageError(`unknown command ${cmd}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (e: unknown) => {
    // One clear line for the errors a person can fix; a stack only for bugs.
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof DataDirInUseError) {
      fs.writeSync(2, `chatcart: ${e.message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    }
    fs.writeSync(2, `chatcart: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
