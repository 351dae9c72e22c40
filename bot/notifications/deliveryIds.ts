/**
 * The idempotency key of one delivery: the event and the recipient's conversation. BullMQ refuses job ids with
 * ':' (which Teams conversation ids and event ids contain), so ':', '|' and '%' are percent-encoded, keeping
 * the mapping one-to-one.
 */
export function deliveryId(eventId: string, conversationId: string): string {
  return `${encode(eventId)}|${encode(conversationId)}`;
}

function encode(part: string): string {
  return part.replace(/[%:|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
