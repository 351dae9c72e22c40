import type { Manifest } from './manifestTemplate';

/** The parts of a manifest these rules read; the schema has already checked their types. */
interface CheckedParts {
  developer: { websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  staticTabs?: { contentUrl?: string; websiteUrl?: string }[];
  bots?: { commandLists?: { commands: unknown[] }[] }[];
  validDomains?: string[];
}

/** Teams' command menu "supports up to ten commands" per list, though the v1.25 schema allows twelve. */
const MAX_COMMANDS = 10;

/** A host name and an optional port: validDomains takes no scheme or path, and the store takes no wildcard. */
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

/**
 * What Teams checks beyond Microsoft's JSON schema, for a manifest the schema accepts: one line per
 * problem, starting with where it is (a JSON pointer), as manifestSchemaErrors writes them.
 */
export function teamsRuleErrors(manifest: Manifest): string[] {
  const parts = manifest as unknown as CheckedParts;
  const problems: string[] = [];

  if (JSON.stringify(manifest).includes('${{')) problems.push('/ still has a ${{...}} placeholder');

  parts.bots?.forEach((bot, b) =>
    bot.commandLists?.forEach((list, l) => {
      if (list.commands.length > MAX_COMMANDS) {
        problems.push(
          `/bots/${b}/commandLists/${l}/commands has ${list.commands.length} commands; Teams shows at most ${MAX_COMMANDS}`,
        );
      }
    }),
  );

  parts.validDomains?.forEach((domain, i) => {
    if (!HOST.test(domain)) {
      problems.push(`/validDomains/${i} must be a host name such as tenants.contoso.com, got "${domain}"`);
    }
  });

  // The schema's URL pattern lets http:// through too; Teams loads tabs, and the store links, over HTTPS only.
  const urls: [string, string | undefined][] = [
    ['/developer/websiteUrl', parts.developer.websiteUrl],
    ['/developer/privacyUrl', parts.developer.privacyUrl],
    ['/developer/termsOfUseUrl', parts.developer.termsOfUseUrl],
    ...(parts.staticTabs ?? []).flatMap((tab, t): [string, string | undefined][] => [
      [`/staticTabs/${t}/contentUrl`, tab.contentUrl],
      [`/staticTabs/${t}/websiteUrl`, tab.websiteUrl],
    ]),
  ];
  for (const [where, url] of urls) {
    if (url !== undefined && !url.toLowerCase().startsWith('https://')) {
      problems.push(`${where} must be an https:// URL, got "${url}"`);
    }
  }

  return problems;
}
