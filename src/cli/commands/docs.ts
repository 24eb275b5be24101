import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTransitionsMarkdown } from '../../domain/transitions.doc.ts';
import { UsageError } from '../args.ts';

export async function runDocs(argv: string[]): Promise<number> {
  if (argv[0] !== 'transitions') throw new UsageError('usage: chatcart docs transitions');
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/state-machines.md');
  fs.writeFileSync(file, renderTransitionsMarkdown());
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
