import { describe, expect, it } from 'vitest';
import { parseMappingSpec } from './format.generic.ts';
import { parseReport, parseTime } from './parse.ts';

const RZP_HEADER =
  'entity_id,type,debit,credit,amount,currency,fee,tax,on_hold,settled,created_at,settled_at,settlement_id,settlement_utr,posted_at,credit_type,description,notes,payment_id,order_id,order_receipt,method';

describe('parseReport: Razorpay settlement recon', () => {
  it('reads payments and refunds in paise, with BOM, CRLF and quoted fields', () => {
    const csv = `\ufeff${RZP_HEADER}\r\npay_1,payment,0,97100,100000,INR,2900,442,false,true,1700000000,1700100000,setl_1,utr1,,default,"Order, gift",{},,order_1,REF-1,upi\r\nrfnd_1,refund,5000,0,5000,INR,0,0,false,true,1700000500,,setl_1,utr1,,,,"{""a"":1}",pay_1,,,\r\n`;
    const r = parseReport(csv, { format: 'razorpay', provider: 'razorpay' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows).toEqual([
      {
        line: 2,
        provider: 'razorpay',
        kind: 'payment',
        providerPaymentId: 'pay_1',
        providerRefundId: null,
        referenceId: 'REF-1',
        gross: 100000,
        fee: 2900,
        feeStated: true,
        tax: 442,
        net: 97100,
        currency: 'INR',
        occurredAt: new Date(1700000000000),
        settlementId: 'setl_1',
        failed: false,
        settlementRef: 'utr1',
        settledAt: new Date(1700100000000),
        settlementNet: 97100,
        unsettled: false,
        disputeId: null,
      },
      {
        line: 3,
        provider: 'razorpay',
        kind: 'refund',
        providerPaymentId: 'pay_1',
        providerRefundId: 'rfnd_1',
        referenceId: null,
        gross: 5000,
        fee: 0,
        feeStated: true,
        tax: 0,
        net: 5000,
        currency: 'INR',
        occurredAt: new Date(1700000500000),
        settlementId: 'setl_1',
        failed: false,
        settlementRef: 'utr1',
        settledAt: null,
        settlementNet: -5000,
        unsettled: false,
        disputeId: null,
      },
    ]);
  });

  it('reads on_hold / settled, and an adjustment naming a dispute as a dispute row', () => {
    const csv = `entity_id,type,debit,credit,amount,currency,fee,on_hold,settled,created_at,settlement_id,dispute_id,payment_id\npay_1,payment,0,1000,1000,INR,0,true,false,1700000000,,,\nadj_1,adjustment,700,0,700,INR,0,false,true,1700000000,setl_2,disp_1,pay_1\nadj_2,adjustment,0,5,5,INR,0,false,true,1700000000,setl_2,,\n`;
    const r = parseReport(csv, { format: 'razorpay', provider: 'razorpay' });
    expect(r.ok && r.value.rows.map((x) => [x.kind, x.unsettled, x.disputeId, x.providerPaymentId, x.settlementNet])).toEqual([
      ['payment', true, null, 'pay_1', 1000],
      ['dispute', false, 'disp_1', 'pay_1', -700],
      ['adjustment', false, null, null, 5],
    ]);
  });

  it('reads the dashboard export in rupees with amount_unit=major, and refuses decimals as paise', () => {
    const csv = `entity_id,type,amount,currency,fee,tax,credit,debit,created_at\npay_1,payment,"1,000.00",INR,29.00,4.42,971.00,0,2026-03-01 10:00:00\n`;
    const major = parseReport(csv, { format: 'razorpay', provider: 'razorpay', amountUnit: 'major' });
    expect(major.ok && major.value.rows[0]).toMatchObject({ gross: 100000, fee: 2900, tax: 442, net: 97100, occurredAt: new Date('2026-03-01T10:00:00Z') });
    const minor = parseReport(csv, { format: 'razorpay', provider: 'razorpay' });
    expect(minor.ok).toBe(false);
    if (!minor.ok) expect(minor.error.message).toMatch(/line 2: amount "1,000.00" .*amount_unit=major/);
  });
});

describe('parseReport: Stripe balance transactions', () => {
  it('reads the itemized report in major units, lower-case currency, pi_ ids first', () => {
    const csv =
      'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,charge_id,payment_intent_id,payment_metadata[chatcart_reference_id]\n' +
      'txn_1,2026-03-01 10:00:00,2026-03-03 00:00:00,usd,10.00,0.59,9.41,charge,ch_1,x,ch_1,pi_1,REF-1\n' +
      'txn_2,2026-03-02 10:00:00,2026-03-04 00:00:00,usd,-2.50,0.00,-2.50,refund,re_1,,ch_1,pi_1,\n' +
      'txn_3,2026-03-02 11:00:00,2026-03-04 00:00:00,usd,-100.00,0.00,-100.00,payout,po_1,,,,\n';
    const r = parseReport(csv, { format: 'stripe', provider: 'stripe' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows.map((x) => [x.kind, x.providerPaymentId, x.providerRefundId, x.referenceId, x.gross, x.fee, x.net, x.currency])).toEqual([
      ['payment', 'pi_1', null, 'REF-1', 1000, 59, 941, 'USD'],
      ['refund', 'pi_1', 're_1', null, 250, 0, 250, 'USD'],
      ['payout', null, null, null, 10000, 0, 10000, 'USD'],
    ]);
  });

  it('reads the older dashboard export (id, type, source, amount, created (utc))', () => {
    const csv = 'id,Type,Source,Amount,Fee,Net,Currency,Created (UTC)\ntxn_1,charge,pi_9,5.00,0.45,4.55,eur,2026-03-01 10:00\n';
    const r = parseReport(csv, { format: 'stripe', provider: 'stripe' });
    expect(r.ok && r.value.rows[0]).toMatchObject({ kind: 'payment', providerPaymentId: 'pi_9', gross: 500, fee: 45, currency: 'EUR' });
  });

  it('a payout row carries its own id; a chargeback adjustment with a dp_ source is a dispute; a payout reversal is not a payout', () => {
    const csv =
      'id,Type,Source,Amount,Fee,Net,Currency,Created (UTC)\ntxn_1,payout,po_7,-50.00,0,-50.00,usd,2026-03-01 10:00\ntxn_2,adjustment,dp_3,-20.00,15.00,-35.00,usd,2026-03-01 10:00\ntxn_3,payout_reversal,po_7,50.00,0,50.00,usd,2026-03-01 10:00\n';
    const r = parseReport(csv, { format: 'stripe', provider: 'stripe' });
    expect(r.ok && r.value.rows.map((x) => [x.kind, x.settlementId, x.disputeId, x.gross])).toEqual([
      ['payout', 'po_7', null, 5000],
      ['dispute', null, 'dp_3', 2000],
      ['adjustment', null, null, 5000],
    ]);
  });
});

describe('parseReport: generic with a mapping', () => {
  it('maps columns, statuses and types', () => {
    const m = parseMappingSpec('Txn=provider_payment_id, Ref=reference_id,Gross=amount,Cur=currency,Kind=type,State=status');
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    const csv = 'Txn,Ref,Gross,Cur,Kind,State\nt1,R1,1500,INR,capture,ok\nt2,,700,INR,payment,failed\n';
    const r = parseReport(csv, { format: 'generic', provider: 'payu', mapping: m.value });
    expect(r.ok && r.value.rows.map((x) => [x.provider, x.kind, x.providerPaymentId, x.referenceId, x.gross, x.failed])).toEqual([
      ['payu', 'payment', 't1', 'R1', 1500, false],
      ['payu', 'payment', 't2', null, 700, true],
    ]);
  });

  it('refuses a mapping to an unknown field, and a mapping without the essentials', () => {
    expect(parseMappingSpec('A=amountz')).toMatchObject({ ok: false });
    expect(parseMappingSpec('nonsense')).toMatchObject({ ok: false });
    expect(parseReport('a\n1\n', { format: 'generic', provider: 'x', mapping: { amount: 'a' } })).toMatchObject({
      ok: false,
      error: { details: { path: 'mapping' } },
    });
  });
});

describe('parseReport: refusals name the line', () => {
  const cases: [string, string, RegExp, number][] = [
    ['empty file', '', /empty/, 1],
    ['header only', `${RZP_HEADER}\n`, /no rows/, 1],
    [
      'unknown format (Stripe file as Razorpay)',
      'balance_transaction_id,reporting_category,gross,fee,currency\ntxn_1,charge,1.00,0,usd\n',
      /not a Razorpay .*entity_id/,
      1,
    ],
    ['unclosed quote', `entity_id,type,amount,currency,fee\npay_1,payment,100,INR,0\npay_2,"payment,100,INR,0\n`, /not valid CSV/, 3],
    ['ragged row', `entity_id,type,amount,currency,fee\npay_1,payment,100,INR,0\npay_2,payment,100\n`, /not valid CSV .*line 3/, 3],
    ['bad currency', `entity_id,type,amount,currency,fee\npay_1,payment,100,RUPEES,0\n`, /line 2: currency/, 2],
    ['bad type', `entity_id,type,amount,currency,fee\npay_1,payment,100,INR,0\npay_2,bonus,100,INR,0\n`, /line 3: type "bonus"/, 3],
    ['bad time', `entity_id,type,amount,currency,fee,created_at\npay_1,payment,100,INR,0,yesterday\n`, /line 2: created_at/, 2],
    ['more precision than the currency', `id,type,amount,fee,currency\ntxn_1,charge,1.005,0,usd\n`, /line 2: amount/, 2],
  ];
  it.each(cases)('%s', (_name, csv, message, line) => {
    const format = csv.startsWith('id,') ? 'stripe' : 'razorpay';
    const r = parseReport(csv, { format, provider: format });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('validation_error');
    expect(r.error.message).toMatch(message);
    expect((r.error.details as { line: number }).line).toBe(line);
  });
});

describe('parseTime', () => {
  it.each([
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 10:20:30', '2026-03-01T10:20:30.000Z'],
    ['01/03/2026 10:20', '2026-03-01T10:20:00.000Z'],
    ['2026-03-01T10:20:30+05:30', '2026-03-01T04:50:30.000Z'],
  ])('%s', (raw, iso) => expect(parseTime(raw)?.toISOString()).toBe(iso));
  it.each(['yesterday', '2026-02-30', '31/31/2026', ''])('refuses %j', (raw) => expect(parseTime(raw)).toBeNull());
});
