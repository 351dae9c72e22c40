/** What a person can type to the bot. */
export type Command =
  | { name: 'associate' }
  | { name: 'tenants' }
  | { name: 'users' }
  | { name: 'addUsers' }
  | { name: 'removeTenant' }
  | { name: 'history' }
  | { name: 'cancel' }
  | { name: 'signOut' }
  | { name: 'help' }
  | { name: 'notifyHere' }
  | { name: 'notifyOff' }
  | { name: 'notifyStatus' }
  | { name: 'magicCode'; code: string }
  | { name: 'unknown'; text: string };

/**
 * `associate another tenant` is the same command as `associate tenant`: every association starts with a
 * fresh sign-in (R7), so there is nothing different to do for "another".
 */
const PHRASES: [RegExp, Command][] = [
  [/^associate (another|a new|one more) (azure ad |entra id |entra )?tenant$/, { name: 'associate' }],
  [/^associate( an?)?( existing)?( azure ad| entra id| entra)?( tenant)?$/, { name: 'associate' }],
  [/^(list )?(associated )?tenants$|^show tenants$/, { name: 'tenants' }],
  [/^(list |show )?(account )?users$|^(my )?roles$/, { name: 'users' }],
  [/^add (account )?(users?|people)$/, { name: 'addUsers' }],
  [/^remove (a |the )?tenant$/, { name: 'removeTenant' }],
  [/^(show )?history$/, { name: 'history' }],
  [/^(cancel|stop)$/, { name: 'cancel' }],
  [/^(sign ?out|log ?out)$/, { name: 'signOut' }],
  [/^(help|\?|hi|hello)$/, { name: 'help' }],
  [/^(notify here|notify on|subscribe)$/, { name: 'notifyHere' }],
  [/^(notify off|unsubscribe)$/, { name: 'notifyOff' }],
  [/^notify( status)?$/, { name: 'notifyStatus' }],
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
