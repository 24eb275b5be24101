import { z } from 'zod';
import { iso, isoTime, listOf } from '../../platform/http/page.ts';
import type { QuickReplyRow } from './quick-replies.repository.ts';

export const quickReplySchema = z
  .object({
    id: z.string().describe('qrp_…'),
    object: z.literal('quick_reply'),
    shortcut: z.string().describe('Normalized: lower case, without the leading /'),
    text: z.string(),
    created_by: z.string().nullable().describe('usr_… or key_…'),
    created_at: isoTime,
    updated_at: isoTime,
  })
  .meta({ id: 'QuickReply', description: 'A saved answer, picked in the composer by its shortcut' });

export const quickReplyListSchema = listOf(quickReplySchema);
export const quickReplyDeletedSchema = z
  .object({ id: z.string(), object: z.literal('quick_reply'), deleted: z.literal(true) })
  .meta({ id: 'QuickReplyDeleted' });

export const presentQuickReply = (r: QuickReplyRow): z.infer<typeof quickReplySchema> => ({
  id: r.id,
  object: 'quick_reply',
  shortcut: r.shortcut,
  text: r.body,
  created_by: r.created_by,
  created_at: iso(r.created_at)!,
  updated_at: iso(r.updated_at)!,
});
