export type Manifest = Record<string, unknown>;

const PLACEHOLDER = /\$\{\{([A-Z0-9_]+)\}\}/g;

/** Every `${{NAME}}` in the template, once each, in the order they first appear. */
export function placeholderNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/**
 * The template with each `${{NAME}}` replaced by its value. Values are JSON-escaped, so a quote or a
 * backslash in one cannot change the manifest's structure. Every name must have a value: see placeholderNames.
 */
export function renderManifest(template: string, values: Readonly<Record<string, string>>): Manifest {
  const filled = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for ${name}`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(filled) as Manifest;
}
