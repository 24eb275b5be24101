// What a reminder says: inside the 24-hour window a text with the bill's pay link; outside
// it the merchant's reminder template (body: the bill's reference and amount; its URL
// button's dynamic suffix: the pay link's token), in Meta's code for the business locale.
// Customers see the bill's reference and formatted money, never our ids.
import { templateMessage, textMessage } from '../../adapters/whatsapp/message.builders.ts';
import { addressOf } from '../../adapters/whatsapp/message.common.ts';
import { formatDateTime, formatMoney, type Presentation } from '../../domain/display.ts';
import { metaLanguageCode } from '../../domain/payment/reminders.ts';
import type { Result } from '../../domain/result.ts';
import type { OrderRow, PaymentRow } from '../orders/index.ts';

export interface ReminderVoice extends Presentation {
  businessName: string;
}

const to = (o: OrderRow) => addressOf({ wa_id: o.customer_wa_id, bsuid: o.customer_bsuid }) ?? { to: null };

export function reminderText(o: OrderRow, p: PaymentRow, payUrl: string, v: ReminderVoice): Result<Record<string, unknown>> {
  const money = formatMoney(p.amount, p.currency, v.locale);
  const body =
    `${v.businessName}: a reminder that your order ${p.reference_id} (${money}) is still waiting for payment.\n` +
    `Pay here: ${payUrl}\nThe link works until ${formatDateTime(p.expires_at, v)}.`;
  return textMessage({ ...to(o), body: body.slice(0, 4096), previewUrl: false });
}

export function reminderTemplate(o: OrderRow, p: PaymentRow, name: string, v: ReminderVoice): Result<Record<string, unknown>> {
  return templateMessage({
    ...to(o),
    name,
    languageCode: metaLanguageCode(v.locale),
    body: [
      { type: 'text', text: p.reference_id },
      { type: 'currency', amount: p.amount, currency: p.currency, fallback: formatMoney(p.amount, p.currency, v.locale) },
    ],
    // The template's button URL ends in {{1}}: https://shop.example/pay/{{1}}.
    buttons: [{ subType: 'url', index: 0, text: p.pay_token ?? '' }],
  });
}
