import { describe, expect, it } from 'vitest';
import { safeFilename, sniffMedia } from './media.ts';

describe('sniffMedia', () => {
  it('goes by the bytes, not the declared type', () => {
    expect(sniffMedia(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'text/html')).toEqual({ kind: 'image', mime: 'image/png' });
    expect(sniffMedia(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]), 'application/pdf')).toEqual({ kind: 'image', mime: 'image/jpeg' });
    expect(sniffMedia(new TextEncoder().encode('%PDF-1.7'), 'image/png')).toEqual({ kind: 'document', mime: 'application/pdf' });
    expect(sniffMedia(new TextEncoder().encode('<html><script>alert(1)</script>'), 'text/html')).toBeUndefined();
    expect(sniffMedia(new TextEncoder().encode('plain words'), 'text/plain')).toEqual({ kind: 'document', mime: 'text/plain' });
    expect(sniffMedia(Uint8Array.from([0x61, 0, 0x62]), 'text/plain')).toBeUndefined();
    expect(sniffMedia(Uint8Array.from([0x50, 0x4b, 0x03, 0x04]), 'application/zip')).toBeUndefined();
  });
});

describe('safeFilename', () => {
  it('keeps a plain name, drops paths and control characters', () => {
    expect(safeFilename('Invoice 42.pdf')).toBe('Invoice 42.pdf');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\x\\évidence\u202e.pdf')).toBe('évidence.pdf');
    expect(safeFilename('...')).toBeNull();
    expect(safeFilename('')).toBeNull();
  });
});
