import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTransitionsMarkdown } from '../../domain/transitions.doc.ts';
import { renderRolesMarkdown } from '../../modules/users/index.ts';
import { UsageError } from '../args.ts';

const DOCS = { transitions: ['state-machines.md', renderTransitionsMarkdown], roles: ['roles.md', renderRolesMarkdown] } as const;

export async function runDocs(argv: string[]): Promise<number> {
  const doc = argv[0] === 'transitions' || argv[0] === 'roles' ? DOCS[argv[0]] : undefined;
  if (!doc) throw new UsageError('usage: chatcart docs transitions|roles');
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs', doc[0]);
  fs.writeFileSync(file, doc[1]());
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
