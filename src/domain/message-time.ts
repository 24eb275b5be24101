// When a customer's message was written, to the millisecond. WhatsApp stamps a message in
// whole seconds, so two messages written in the same second tie; the moment we received each
// body breaks the tie (bodies are received in the order Meta sends them, but their items may be
// applied out of order by concurrent workers). The result stays inside the stamped second.

/**
 * `timestamp` is Meta's unix seconds (a string); anything not a past instant (0, absurd, in
 * the future) counts as `now`. Within a valid second, the receipt time when it falls inside that
 * second, else the second's nearest edge (a redelivery hours later stays in its second).
 */
export function messageTime(timestamp: unknown, receivedAt: Date | undefined, now: Date): Date {
  const sentMs = Number(timestamp) * 1000;
  if (!Number.isFinite(sentMs) || sentMs <= 0 || sentMs >= now.getTime()) return now;
  if (!receivedAt) return new Date(sentMs);
  const refined = Math.min(Math.max(receivedAt.getTime(), sentMs), sentMs + 999, now.getTime());
  return new Date(refined);
}
