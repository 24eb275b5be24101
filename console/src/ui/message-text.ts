// What a WhatsApp message says, in words, for the inbox: its text, a caption, a template's
// name, what a cart or a button reply holds. `content` is WhatsApp's own shape (inbound) or
// what we sent (outbound), so it is read defensively.
import type { Message } from '../api/types.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

export function messageText(m: Pick<Message, 'content' | 'type' | 'redacted'>): string {
  if (m.redacted) return 'Removed after the retention period';
  const c = obj(m.content);
  const type = str(c.type) ?? m.type;
  switch (type) {
    case 'text':
      return str(obj(c.text).body) ?? '';
    case 'image':
    case 'document':
    case 'video':
    case 'audio':
    case 'sticker': {
      const caption = str(obj(c[type]).caption);
      return `[${type}]${caption ? ` ${caption}` : ''}`;
    }
    case 'location': {
      const l = obj(c.location);
      return `[location] ${str(l.name) ?? str(l.address) ?? `${l.latitude ?? ''}, ${l.longitude ?? ''}`}`;
    }
    case 'contacts':
      return '[contact card]';
    case 'order': {
      const items = obj(c.order).product_items;
      return `[cart] ${Array.isArray(items) ? items.length : 0} item(s)`;
    }
    case 'button':
      return str(obj(c.button).text) ?? '[button]';
    case 'reaction':
      return `[reaction] ${str(obj(c.reaction).emoji) ?? ''}`;
    case 'interactive': {
      const i = obj(c.interactive);
      const reply = obj(i.button_reply ?? i.list_reply);
      if (str(reply.title)) return str(reply.title)!;
      if (i.type === 'nfm_reply') return '[form completed]';
      if (i.type === 'product') {
        const id = str(obj(i.action).product_retailer_id);
        return `[product]${id ? ` ${id}` : ''}${str(obj(i.body).text) ? ` ${str(obj(i.body).text)}` : ''}`;
      }
      return str(obj(i.body).text) ?? `[${str(i.type) ?? 'interactive'}]`;
    }
    case 'template': {
      const t = obj(c.template);
      return `[template] ${str(t.name) ?? ''}`;
    }
    default:
      return `[${type}]`;
  }
}
