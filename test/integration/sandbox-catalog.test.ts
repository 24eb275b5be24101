// The Cloud API double's catalog (both drivers): the items put in a number's catalog, and the
// business's active products it lacks, read through the sandbox's port. An item hides the
// product of its retailer_id; pages follow byte order without skipping or repeating; Meta's
// item id of a product is the one the double gave before it read products through the port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxContext } from '@chatcart/sandbox';
import { listCatalog, metaItemId } from '../../packages/sandbox/src/whatsapp/wa.catalog-list.ts';
import { putCatalogItems } from '../../packages/sandbox/src/whatsapp/wa.repository.ts';
import { sandboxContext } from '../../src/composition/sandbox-host.ts';
import { openTestDb, type TestDb } from '../support/db.ts';
import { testContext } from '../support/context.ts';

let db: TestDb;
let sbx: SandboxContext;
const M = 'mer_01catalogcatalogcatalogca';
const owner = { merchant_id: M, catalog_id: '9123' };

beforeAll(async () => {
  db = await openTestDb();
  sbx = sandboxContext(testContext(db));
  await db.exec(`
    insert into merchants (id, name) values ('${M}', 'Chai Point'), ('mer_01otherotherotherotherothe', 'Other');
    insert into products (id, merchant_id, retailer_id, name, price, currency, active) values
      ('prd_a', '${M}', 'b-chai', 'Chai', 4000, 'INR', true),
      ('prd_b', '${M}', 'd-samosa', 'Samosa', 2500, 'INR', true),
      ('prd_c', '${M}', 'f-old', 'Gone', 100, 'INR', false),
      ('prd_d', '${M}', 'Z-upper', 'Upper', 100, 'INR', true),
      ('prd_e', 'mer_01otherotherotherotherothe', 'a-theirs', 'Theirs', 100, 'INR', true);
  `);
  await putCatalogItems(
    db,
    owner.catalog_id,
    [
      { retailer_id: 'a-kettle', name: 'Kettle', price: 99900, currency: 'INR' },
      { retailer_id: 'd-samosa', name: 'Samosa (catalog)', price: 3000, currency: 'INR' },
      { retailer_id: 'e-cup', name: 'Cup', price: 5000, currency: 'INR' },
    ],
    new Date('2026-12-01T00:00:00Z'),
    true,
  );
});
afterAll(async () => {
  await db?.close();
});

describe("the double's catalog", () => {
  it("is the items put in it and the business's active products it lacks, in byte order", async () => {
    const all = await listCatalog(sbx, owner);
    expect(all.map((p) => [p.retailer_id, p.name])).toEqual([
      ['Z-upper', 'Upper'],
      ['a-kettle', 'Kettle'],
      ['b-chai', 'Chai'],
      ['d-samosa', 'Samosa (catalog)'],
      ['e-cup', 'Cup'],
    ]);
    expect(all.find((p) => p.retailer_id === 'b-chai')).toMatchObject({ price: 4000, currency: 'INR', availability: 'in stock', id: metaItemId('prd_a') });
  });

  it('pages without skipping or repeating, and filters by retailer_id', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listCatalog(sbx, owner, { limit: 2, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((p) => p.retailer_id));
      after = page.at(-1)!.retailer_id;
    }
    expect(seen).toEqual(['Z-upper', 'a-kettle', 'b-chai', 'd-samosa', 'e-cup']);
    expect((await listCatalog(sbx, owner, { retailerIds: ['d-samosa', 'b-chai', 'f-old', 'a-theirs'] })).map((p) => p.name)).toEqual([
      'Chai',
      'Samosa (catalog)',
    ]);
  });

  it("gives a product Meta's 16-digit item id, the same as the double's SQL gave", async () => {
    const [row] = await db.query<{ id: string }>(`select (1000000000000000 + ('x' || substr(md5($1), 1, 12))::bit(48)::bigint)::text as id`, ['prd_a']);
    expect(metaItemId('prd_a')).toBe(row!.id);
    expect(metaItemId('prd_a')).toMatch(/^1\d{15}$/);
  });
});
