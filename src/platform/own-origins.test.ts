import { describe, expect, it } from 'vitest';
import { ownOriginsOf } from './own-origins.ts';

describe('own origins', () => {
  const own = ownOriginsOf('https://shop.example.com', 3000);

  it('are the public URL and the port on loopback', () => {
    expect([...own]).toEqual(['https://shop.example.com', 'http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']);
    expect([...ownOriginsOf('http://127.0.0.1:0', 0)]).toEqual(['http://127.0.0.1:0']);
  });
});
