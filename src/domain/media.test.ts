import { describe, expect, it } from 'vitest';
import { attachmentName, cleanMime, inlineImageType, safeFilename, sha256Matches, sniffMedia } from './media.ts';

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

describe('media a customer sends', () => {
  it('shows inline only PNG, JPEG and WebP, known by their bytes', () => {
    expect(inlineImageType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(inlineImageType(Uint8Array.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(inlineImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('image/webp');
    expect(inlineImageType(new TextEncoder().encode('RIFF\u0000\u0000\u0000\u0000WAVEfmt '))).toBeUndefined();
    expect(inlineImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'))).toBeUndefined();
    expect(inlineImageType(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(inlineImageType(new Uint8Array())).toBeUndefined();
  });

  it('names attachments by our id and a fixed extension, never the customer’s name', () => {
    expect(attachmentName('msg_abc', 'application/pdf')).toBe('msg_abc.pdf');
    expect(attachmentName('msg_abc', 'text/html')).toBe('msg_abc.bin');
    expect(attachmentName('msg_a"b/../c', null)).toBe('msg_abc.bin');
  });

  it('keeps a declared type only when it looks like one', () => {
    expect(cleanMime('Image/JPEG; charset=x')).toBe('image/jpeg');
    expect(cleanMime('text/html"\r\nX: y')).toBeNull();
    expect(cleanMime(42)).toBeNull();
  });

  it("compares with Meta's sha256 in hex or base64", () => {
    const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'; // sha256("abc")
    expect(sha256Matches(hex, hex.toUpperCase())).toBe(true);
    expect(sha256Matches(hex, Buffer.from(hex, 'hex').toString('base64'))).toBe(true);
    expect(sha256Matches(hex, 'a'.repeat(64))).toBe(false);
    expect(sha256Matches(hex, '')).toBe(false);
  });
});
