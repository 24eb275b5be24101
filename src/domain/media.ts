// What an uploaded file is, from its bytes (never from the name or the client's content type),
// and the media WhatsApp takes for images and documents.

export type MediaKind = 'image' | 'document';

/** WhatsApp's limits: images 5 MB; documents 100 MB at Meta, 16 MB here. */
export const MAX_BYTES: Record<MediaKind, number> = { image: 5 * 1024 * 1024, document: 16 * 1024 * 1024 };

const starts = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The type the bytes are, among those WhatsApp sends as images or documents, or undefined. */
export function sniffMedia(b: Uint8Array, declared: string): { kind: MediaKind; mime: string } | undefined {
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', mime: 'image/png' };
  if (starts(b, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg' };
  if (starts(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { kind: 'document', mime: 'application/pdf' };
  const office: Record<string, string> = {
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'zip',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'zip',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'zip',
    'application/msword': 'ole',
    'application/vnd.ms-excel': 'ole',
    'application/vnd.ms-powerpoint': 'ole',
  };
  const d = declared.split(';')[0]!.trim().toLowerCase();
  if (office[d] === 'zip' && starts(b, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'document', mime: d };
  if (office[d] === 'ole' && starts(b, [0xd0, 0xcf, 0x11, 0xe0])) return { kind: 'document', mime: d };
  if (d === 'text/plain' && isText(b)) return { kind: 'document', mime: 'text/plain' };
  return undefined;
}

function isText(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    // No control characters other than tab, line feed, vertical tab, form feed and carriage return.
    return b.every((c) => c >= 0x20 || (c >= 0x09 && c <= 0x0d));
  } catch {
    return false;
  }
}

/** A document's name as WhatsApp may show it: no path, no control or reserved characters, ≤ 120 characters. */
export function safeFilename(name: string | undefined | null): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return clean || null;
}

/** The image types shown inline to the merchant, known by their bytes only: PNG, JPEG, WebP. */
export function inlineImageType(b: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | undefined {
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  // RIFF <size> WEBP
  if (starts(b, [0x52, 0x49, 0x46, 0x46]) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return undefined;
}

/** A declared MIME type kept for display: `type/subtype` in lower case, parameters dropped, or null. */
export function cleanMime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.split(';')[0]!.trim().toLowerCase();
  return /^[a-z]+\/[a-z0-9.+-]{1,100}$/.test(t) ? t : null;
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

/**
 * The name a downloaded attachment gets: our id and an extension from a fixed list (bin for
 * anything else, e.g. HTML), never a name the customer chose.
 */
export function attachmentName(id: string, mime: string | null): string {
  return `${id.replace(/[^A-Za-z0-9_-]/g, '')}.${(mime && EXTENSIONS[mime]) ?? 'bin'}`;
}

/** Whether bytes match Meta's sha256, given as hex or base64. */
export function sha256Matches(computedHex: string, declared: string): boolean {
  const d = declared.trim();
  if (/^[0-9a-f]{64}$/i.test(d)) return d.toLowerCase() === computedHex;
  return Buffer.from(computedHex, 'hex').toString('base64') === d || Buffer.from(computedHex, 'hex').toString('base64url') === d.replace(/=+$/, '');
}

/** The media kinds a customer sends that are fetched and kept (inbound_media). */
export const INBOUND_MEDIA_KINDS = ['image', 'document', 'audio', 'video', 'sticker'] as const;
export type InboundMediaKind = (typeof INBOUND_MEDIA_KINDS)[number];
export const isMediaType = (t: string): t is InboundMediaKind => (INBOUND_MEDIA_KINDS as readonly string[]).includes(t);
