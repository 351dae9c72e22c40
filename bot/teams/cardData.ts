/**
 * What an `Action.Execute` carries besides its verb: the card's own data and the person's inputs. It comes
 * from the client, so only plain string fields of a bounded size survive, on an object with no prototype.
 */
export type CardData = Readonly<Record<string, string>>;

const MAX_FIELDS = 50;
const MAX_FIELD_LENGTH = 2000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cardDataOf(value: unknown): CardData {
  const data: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return data;
  for (const [key, field] of Object.entries(value).slice(0, MAX_FIELDS)) {
    if (typeof field === 'string' && field.length <= MAX_FIELD_LENGTH) data[key] = field;
  }
  return data;
}

/** A directory object id or tenant id: a GUID, or nothing. */
export function idIn(data: CardData, key: string): string | undefined {
  const value = data[key]?.trim();
  return value && GUID.test(value) ? value : undefined;
}

/** A multi-select's answer: its values, comma-separated. */
export function listIn(data: CardData, key: string): string[] {
  return (data[key] ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
