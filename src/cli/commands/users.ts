// chatcart users create|list|reset-password: console users from the command line. The
// server sends no email, so a user created without a password, and a password reset, get
// a one-time link printed here to hand over (docs/users.md).
import { isRole, ROLES } from '../../domain/roles.ts';
import type { Config } from '../../config.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import {
  createUser,
  findUserByEmail,
  hashPassword,
  issueResetLink,
  listUsers,
  MAX_PASSWORD,
  MIN_PASSWORD,
  normalizeEmail,
  presentLink,
  presentUser,
} from '../../modules/users/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { cliActor, openCliContext } from '../context.ts';

const USAGE = `usage: chatcart users create --merchant ID --email E --role ${ROLES.join('|')} [--name N] [--password-stdin] [--json]
       chatcart users list --merchant ID [--json]
       chatcart users reset-password --email E [--json]`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function runUsers(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const sub = positionals[0];
  if (!['create', 'list', 'reset-password'].includes(sub ?? '')) throw new UsageError(USAGE);
  const print = (v: unknown, human: string) => process.stdout.write(values.json ? `${JSON.stringify(v)}\n` : `${human}\n`);

  // Everything about the input is checked before the database is opened (and locked).
  let passwordHash: string | null = null;
  if (sub === 'create') {
    required(values.merchant, 'merchant');
    required(values.email, 'email');
    if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    if (!/^[^\s@]{1,64}@[^\s@]{1,189}$/.test(values.email!.trim())) throw new UsageError('--email must be an email address');
    if (values['password-stdin']) {
      const password = await readStdin();
      if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD)
        throw new UsageError(`the password must have ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
      passwordHash = await hashPassword(password);
    }
  }
  if (sub === 'reset-password') required(values.email, 'email');
  if (sub === 'list') required(values.merchant, 'merchant');

  const ctx = await openCliContext(cfg);
  try {
    if (sub === 'list') {
      if (!(await getMerchant(ctx.db, values.merchant!))) throw new UsageError(`no merchant ${values.merchant}`);
      const rows = (await listUsers(ctx.db, values.merchant!, { limit: 10_000 })).map(presentUser);
      print(rows, rows.length ? rows.map((u) => `${u.id}  ${u.email}  ${u.role}  ${u.status}${u.name ? `  ${u.name}` : ''}`).join('\n') : 'No users');
    } else if (sub === 'create') {
      const role = values.role as (typeof ROLES)[number];
      const r = await ctx.db.transaction((tx) =>
        createUser(ctx, tx, cliActor, values.merchant!, { email: values.email!, name: values.name ?? null, role }, passwordHash),
      );
      if (!r.ok) throw new UsageError(r.error.message);
      const { user, link } = r.value;
      print(
        { ...presentUser(user), invitation: link ? presentLink(link) : null },
        link
          ? `Created ${user.id} (${user.email}, ${user.role}). One-time link to set a password and sign in (valid 72 hours, works once):\n${link.url}`
          : `Created ${user.id} (${user.email}, ${user.role}) with the password given. Sign in at ${ctx.publicUrl}/console`,
      );
    } else {
      const user = await findUserByEmail(ctx.db, normalizeEmail(values.email!));
      if (!user) throw new UsageError(`no user with the email ${values.email}`);
      const link = await ctx.db.transaction((tx) => issueResetLink(ctx, tx, cliActor, user));
      print(
        { user: presentUser(user), reset: presentLink(link) },
        `One-time link to choose a new password for ${user.email} (valid 1 hour, works once; using it signs out every session):\n${link.url}`,
      );
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
