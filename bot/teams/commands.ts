export type Command =
  | { name: 'associate'; another: boolean }
  | { name: 'tenants' }
  | { name: 'cancel' }
  | { name: 'signOut' }
  | { name: 'help' }
  | { name: 'notify'; setting: 'here' | 'off' | 'status' }
  | { name: 'magicCode'; code: string }
  | { name: 'unknown'; text: string };

const PHRASES: [RegExp, Command][] = [
  [
    /^associate (another|a new|one more) (azure ad |entra id |entra )?tenant$/,
    { name: 'associate', another: true },
  ],
  [
    /^associate( an?)?( existing)?( azure ad| entra id| entra)?( tenant)?$/,
    { name: 'associate', another: false },
  ],
  [/^(list )?(associated )?tenants$|^show tenants$/, { name: 'tenants' }],
  [/^(cancel|stop)$/, { name: 'cancel' }],
  [/^(sign ?out|log ?out)$/, { name: 'signOut' }],
  [/^(help|\?|hi|hello)$/, { name: 'help' }],
  [/^(notify here|notify on|subscribe)$/, { name: 'notify', setting: 'here' }],
  [/^(notify off|unsubscribe)$/, { name: 'notify', setting: 'off' }],
  [/^notify( status)?$/, { name: 'notify', setting: 'status' }],
];

/** Reads what a person typed, forgiving case, spacing and trailing punctuation. */
export function parseCommand(text: string | undefined): Command {
  const raw = (text ?? '').trim();
  if (/^\d{6}$/.test(raw)) return { name: 'magicCode', code: raw };
  const normalized = raw
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, command] of PHRASES) if (pattern.test(normalized)) return command;
  return { name: 'unknown', text: raw };
}
