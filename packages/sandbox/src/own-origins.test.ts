import { describe, expect, it } from 'vitest';
import { isOwnUrl } from './own-origins.ts';

describe('a double posts only to its host', () => {
  const own = new Set(['https://shop.example.com', 'http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']);

  it.each([
    'https://shop.example.com/webhooks/whatsapp',
    'https://SHOP.example.com:443/x?y=1',
    'http://127.0.0.1:3000/webhooks/whatsapp',
    'http://LOCALHOST:3000/',
    'http://[::1]:3000/x',
    'http://[0:0:0:0:0:0:0:1]:3000/x',
  ])('accepts %s', (url) => expect(isOwnUrl(own, url)).toBe(true));

  it.each([
    'http://shop.example.com/x',
    'https://shop.example.com:8443/x',
    'https://shop.example.com.evil.example/x',
    'https://shop.example.com@evil.example/x',
    'https://user:pw@shop.example.com/x',
    'http://127.0.0.1:3001/x',
    'https://127.0.0.1:3000/x',
    'http://127.0.0.2:3000/x',
    'http://0.0.0.0:3000/x',
    'http://2130706433:3001/x',
    'http://[::ffff:127.0.0.1]:3000/x',
    'http://169.254.169.254/latest/meta-data/',
    'ftp://127.0.0.1:3000/x',
    'not a url',
  ])('refuses %s', (url) => expect(isOwnUrl(own, url)).toBe(false));
});
