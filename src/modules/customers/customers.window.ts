// WhatsApp's customer service window: free-form messages only within 24 hours of the customer's last message.
export const WINDOW_MS = 24 * 3600_000;

export function windowOpen(lastInboundAt: Date | null | undefined, now: Date): boolean {
  return !!lastInboundAt && now.getTime() - lastInboundAt.getTime() < WINDOW_MS;
}
