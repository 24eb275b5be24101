// A one-line preview of a stored message for the conversation list: the text when there is
// one, else what kind of message it is. Never more than 200 characters.
import type { MessageRow } from './whatsapp-messages.repository.ts';

const cut = (s: unknown): string | null => (typeof s === 'string' && s.trim() !== '' ? s.slice(0, 200) : null);

export function messagePreview(m: Pick<MessageRow, 'direction' | 'type' | 'payload'>): string | null {
  const p = m.payload as Record<string, any>;
  if (m.direction === 'in') {
    if (m.type === 'text') return cut(p['text']?.['body']);
    if (m.type === 'order') return `Cart: ${Array.isArray(p['order']?.['product_items']) ? p['order']['product_items'].length : 0} item(s)`;
    if (m.type === 'interactive') return cut(p['interactive']?.['button_reply']?.['title'] ?? p['interactive']?.['list_reply']?.['title']) ?? '[form reply]';
    if (m.type === 'button') return cut(p['button']?.['text']);
    if (m.type === 'system') return cut(p['system']?.['body']);
    return `[${m.type}]`;
  }
  const b = (p['body'] ?? {}) as Record<string, any>;
  if (m.type === 'text') return cut(b['text']?.['body']);
  if (m.type === 'interactive') return cut(b['interactive']?.['body']?.['text']) ?? '[interactive]';
  if (m.type === 'template') return `[template ${String(b['template']?.['name'] ?? '')}]`;
  return `[${m.type}]`;
}

export const lastMessageOf = (m: MessageRow) => ({
  id: m.id,
  direction: m.direction,
  type: m.type,
  preview: messagePreview(m),
  created_at: m.created_at.toISOString(),
});
