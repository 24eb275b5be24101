// `chatcart flows keywords set|list|delete --merchant ID`: the keywords that answer a
// customer's text with a flow message, through the same use cases as the API
// (PUT/GET/DELETE /v1/flows/keywords). `set KEYWORD --flow NAME [--flow-id ID]`.
import { presentFlowKeyword, removeFlowKeyword, setFlowKeyword, MAX_KEYWORDS } from '../../modules/flows/index.ts';
import type { Config } from '../../config.ts';
import { listFlowKeywords } from '../../modules/flows/index.ts';
import { getMerchant } from '../../modules/merchants/index.ts';
import { flags, required, UsageError } from '../args.ts';
import { openCliContext } from '../context.ts';

const USAGE =
  'usage: chatcart flows keywords set KEYWORD --flow NAME [--flow-id ID] --merchant ID [--json] | chatcart flows keywords list --merchant ID [--json] | chatcart flows keywords delete KEYWORD --merchant ID';

export async function runFlowKeywords(cfg: Config, argv: string[]): Promise<number> {
  const { values, positionals } = flags(argv, {
    merchant: { type: 'string' },
    flow: { type: 'string' },
    'flow-id': { type: 'string' },
    json: { type: 'boolean' },
  });
  const [sub, keyword, ...extra] = positionals;
  if ((sub !== 'set' && sub !== 'list' && sub !== 'delete') || extra.length > 0) throw new UsageError(USAGE);
  if (sub !== 'list' && !keyword) throw new UsageError(`the keyword is required: ${USAGE}`);
  const merchantId = required(values.merchant, 'merchant');
  const ctx = await openCliContext(cfg);
  try {
    if (!(await getMerchant(ctx.db, merchantId))) throw new UsageError(`no merchant ${merchantId}`);
    const out = (json: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    if (sub === 'list') {
      const rows = (await listFlowKeywords(ctx.db, merchantId, MAX_KEYWORDS)).map(presentFlowKeyword);
      out(
        { object: 'list', data: rows },
        rows.length ? rows.map((r) => `${r.keyword}\t${r.flow}${r.flow_id ? `\t${r.flow_id}` : ''}`).join('\n') : 'No flow keywords.',
      );
    } else if (sub === 'set') {
      const flow = required(values.flow, 'flow');
      const r = await ctx.db.transaction((tx) => setFlowKeyword(ctx, tx, merchantId, { keyword: keyword!, flow, flow_id: values['flow-id'] }));
      if (!r.ok) throw new UsageError(r.error.message);
      const p = presentFlowKeyword(r.value.row);
      out({ ...p, created: r.value.created }, `"${p.keyword}" now answers with flow ${p.flow}`);
    } else {
      const r = await ctx.db.transaction((tx) => removeFlowKeyword(tx, merchantId, keyword!));
      if (!r.ok) throw new UsageError(r.error.message);
      out({ object: 'flow_keyword', keyword: r.value.keyword, deleted: true }, `"${r.value.keyword}" no longer starts a flow`);
    }
  } finally {
    await ctx.close();
  }
  return 0;
}
