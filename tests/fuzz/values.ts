import type { Random } from './random';

/**
 * What hostile input looks like, field by field: wrong types, huge and strange strings, deep nesting, and
 * the keys that pollute a prototype when merged or assigned carelessly.
 */

/** The name every planted property carries, so a probe can tell the fuzz's pollution from anything else. */
export const PLANTED = 'fuzzPolluted';

/**
 * Objects with `__proto__`, `constructor` and `prototype` as their own keys, as JSON.parse makes them (an
 * object literal would set the prototype instead of a key). They aim at Object.prototype through every
 * route a careless merge, path assignment or `Object.assign` offers.
 */
export function pollutingObject(random: Random): Record<string, unknown> {
  const planted = `{"${PLANTED}": "yes", "isAdmin": true, "roles": ["Manager"], "manager": true}`;
  const texts = [
    `{"__proto__": ${planted}}`,
    `{"constructor": {"prototype": ${planted}}}`,
    `{"prototype": ${planted}}`,
    `{"__proto__": {"__proto__": ${planted}}}`,
    `{"__proto__.${PLANTED}": "yes", "constructor.prototype.${PLANTED}": "yes"}`,
    `{"__proto__": {"toString": "not a function", "valueOf": 1, "hasOwnProperty": "x"}}`,
    `{"hasOwnProperty": "x", "toString": 1, "valueOf": {}, "toJSON": "x", "then": "x"}`,
    `{"__proto__": [1, 2, 3], "length": -1}`,
    `{"constructor": "x", "__defineGetter__": "x", "__lookupGetter__": "x"}`,
  ];
  return JSON.parse(random.pick(texts)) as Record<string, unknown>;
}

const STRANGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u0002\u001f',
  '\r\n\r\n',
  '\u202eevil\u202c',
  '\ufeff',
  '\ud83d\ude00\ud83d\ude00',
  '\ud800',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${{7*7}}',
  '${toString()}',
  '{{template}}',
  '${$root}',
  '**bold** [link](https://evil.example)',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  "'; DROP TABLE tenants; --",
  '*',
  '\\',
  '{prefix}:state:{x}',
  'a'.repeat(101),
  '00000000-0000-0000-0000-000000000000',
  'C0A1B2C3-1111-4D2E-9F00-C0C0C0C0C0C0',
  ' c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0 ',
  'javascript:alert(1)',
  'https://evil.example/',
];

/** A string of a length drawn to be mostly short, sometimes long and now and then huge. */
export function anyString(random: Random, maxLength = 150_000): string {
  const kind = random.weighted([
    [5, 'strange'],
    [4, 'short'],
    [2, 'long'],
    [1, 'huge'],
  ] as const);
  switch (kind) {
    case 'strange':
      return random.pick(STRANGE_STRINGS);
    case 'short':
      return randomText(random, random.int(0, 40));
    case 'long':
      return randomText(random, random.int(100, 5_000));
    case 'huge': {
      const unit = random.pick(['x', 'é', '😀', '<', '\\', '"', '\u0000', 'ab ']);
      return unit.repeat(Math.ceil(random.int(10_000, maxLength) / unit.length));
    }
  }
}

function randomText(random: Random, length: number): string {
  const alphabet = random.pick([
    'abcdefghijklmnopqrstuvwxyz0123456789 ',
    'ABCDEFabcdef0123456789-',
    '0123456789',
    '<>&"\'`\\/{}[]$%#@!*',
    'éàüßçøåñ€£¥中文日本語한국어العربيةעברית',
  ]);
  const chars = [...alphabet];
  let text = '';
  for (let i = 0; i < length; i++) text += random.pick(chars);
  return text;
}

/**
 * Nested arrays or objects `depth` deep: recursive code that reads a request must not fall over. It stands
 * in the object as a marker that `serialize` writes out as the nesting itself, so building and mutating
 * a case never recurses that deep here.
 */
export function deeplyNested(random: Random, depth = random.int(50, 50_000)): string {
  return `${DEEP}${random.chance(0.5) ? 'array' : 'object'}:${depth}`;
}

const DEEP = '\u0000fuzz-deep:';
const DEEP_MARKER = /"\\u0000fuzz-deep:(array|object):(\d+)"/g;

/** JSON text of `value`, with every deep-nesting marker written out as the nesting it stands for. */
export function serialize(value: unknown): string {
  return (JSON.stringify(value) ?? '').replace(DEEP_MARKER, (_, kind: string, depth: string) => {
    const n = Number(depth);
    return kind === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  });
}

/** Any JSON value at all, the wrong type for whatever field it lands in. */
export function anyValue(random: Random, depth = 0): unknown {
  const kind = random.weighted([
    [3, 'string'],
    [2, 'number'],
    [1, 'boolean'],
    [2, 'null'],
    [depth < 3 ? 2 : 0, 'array'],
    [depth < 3 ? 2 : 0, 'object'],
    [1, 'polluting'],
    [depth === 0 ? 0.3 : 0, 'deep'],
  ] as const);
  switch (kind) {
    case 'string':
      return anyString(random, 20_000);
    case 'number':
      return random.pick([0, -1, 1, 1.5, -0, 2 ** 53 + 1, 1e308, -1e308, 123456, 999999, 4294967296]);
    case 'boolean':
      return random.chance(0.5);
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: random.int(0, 5) }, () => anyValue(random, depth + 1));
    case 'object': {
      const object: Record<string, unknown> = {};
      for (let i = random.int(0, 5); i > 0; i--)
        object[random.pick(['id', 'type', 'value', 'name', 'data', randomText(random, 5)])] = anyValue(
          random,
          depth + 1,
        );
      return object;
    }
    case 'polluting':
      return pollutingObject(random);
    case 'deep':
      return deeplyNested(random, random.int(50, 2_000));
  }
}

type Json = Record<string, unknown> | unknown[];

/** Every place in `value` a mutation can reach: the paths of its objects' and arrays' members. */
function paths(value: unknown, prefix: (string | number)[] = [], found: (string | number)[][] = []) {
  if (found.length > 400 || prefix.length > 8) return found;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      found.push([...prefix, i]);
      paths(item, [...prefix, i], found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      found.push([...prefix, key]);
      paths((value as Record<string, unknown>)[key], [...prefix, key], found);
    }
  }
  return found;
}

function parentOf(root: Json, path: (string | number)[]): Record<string | number, unknown> | undefined {
  let node: unknown = root;
  for (const step of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>) : undefined;
}

/** Sets an own property, even `__proto__` (which plain assignment would take for the prototype). */
export function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  // An array's `length` takes only lengths: that mutation is simply not made.
  if (Array.isArray(target) && key === 'length') return;
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The mutations a field can suffer, each named for a failure's message. */
export function mutate(random: Random, root: Json): string {
  const all = paths(root);
  if (all.length === 0) return 'nothing to mutate';
  const path = random.pick(all);
  const parent = parentOf(root, path);
  const key = path[path.length - 1]!;
  if (!parent) return 'nothing to mutate';
  const where = path.join('.');
  const kind = random.weighted([
    [3, 'wrongType'],
    [2, 'delete'],
    [2, 'string'],
    [1, 'pollute'],
    [1, 'addKey'],
    [0.5, 'deep'],
  ] as const);
  switch (kind) {
    case 'wrongType':
      setOwn(parent, key, anyValue(random));
      return `${where}: wrong type`;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      return `${where}: deleted`;
    case 'string':
      setOwn(parent, key, anyString(random, 60_000));
      return `${where}: string`;
    case 'pollute': {
      const target = typeof parent[key] === 'object' && parent[key] !== null ? parent[key] : parent;
      const payload = pollutingObject(random);
      for (const own of Object.keys(payload)) setOwn(target as Record<string, unknown>, own, payload[own]);
      return `${where}: prototype-polluting keys`;
    }
    case 'addKey':
      setOwn(
        parent,
        random.pick(['__proto__', 'constructor', 'prototype', 'extra', 'value', 'type']),
        anyValue(random),
      );
      return `${where}: key added`;
    case 'deep':
      setOwn(parent, key, deeplyNested(random, random.int(100, 5_000)));
      return `${where}: deep nesting`;
  }
}

/** Text-level damage to a JSON body: what a broken client or a proxy cutting a request short sends. */
export function damageJson(random: Random, text: string): { text: string; how: string } {
  const kind = random.weighted([
    [4, 'truncate'],
    [1, 'flip'],
    [1, 'bom'],
    [1, 'trailing'],
    [1, 'literal'],
    [1, 'duplicateKey'],
  ] as const);
  switch (kind) {
    case 'truncate':
      return { text: text.slice(0, random.int(0, Math.max(0, text.length - 1))), how: 'truncated JSON' };
    case 'flip': {
      const at = random.int(0, Math.max(0, text.length - 1));
      const char = random.pick(['"', '{', '}', ']', ',', ':', '\\', '\u0000', 'x']);
      return { text: text.slice(0, at) + char + text.slice(at + 1), how: 'one character changed' };
    }
    case 'bom':
      return { text: `\ufeff${text}`, how: 'byte order mark' };
    case 'trailing':
      return { text: `${text}${random.pick(['}', ',', ' garbage', '\u0000', '{}'])}`, how: 'trailing bytes' };
    case 'literal':
      return {
        text: random.pick(['', 'null', 'true', '0', '"text"', '[]', '[{}]', '{}', ' ']),
        how: 'a JSON literal',
      };
    case 'duplicateKey':
      return {
        text: text.replace(/^\{/, '{"type":"invoke","name":"adaptiveCard/action",'),
        how: 'duplicate keys',
      };
  }
}
