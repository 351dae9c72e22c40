import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestSchemaErrors } from '../../scripts/appPackage/manifestSchema';
import { placeholderNames, renderManifest, type Manifest } from '../../scripts/appPackage/manifestTemplate';
import { teamsRuleErrors } from '../../scripts/appPackage/teamsRules';

const template = readFileSync(join(__dirname, '..', '..', 'appPackage', 'manifest.json'), 'utf8');

const values = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  BOT_ID: '0b0b0b0b-1111-4222-8333-444444444444',
  AAD_APP_CLIENT_ID: '5c5c5c5c-1111-4222-8333-444444444444',
  BOT_DOMAIN: 'tenant-association.example.com',
  PUBLISHER_NAME: 'Adatum Software',
  PUBLISHER_WEBSITE: 'https://adatum.example.com',
};

/** The manifest filled in from `values`, with the value at `pointer` (a JSON pointer), if any, replaced. */
function manifestWith(pointer?: string, value?: unknown): Manifest {
  const manifest = renderManifest(template, values);
  if (pointer) {
    const keys = pointer.split('/').slice(1);
    const last = keys.pop() ?? '';
    const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, manifest);
    parent[last] = value;
  }
  return manifest;
}

describe('Teams app manifest template', () => {
  it('asks for the app, bot and sign-in app ids, the bot domain and the publisher, nothing else', () => {
    expect(placeholderNames(template).sort()).toEqual(Object.keys(values).sort());
  });

  it("fits Microsoft's v1.25 schema and Teams' own rules once filled", () => {
    expect(manifestSchemaErrors(manifestWith())).toEqual([]);
    expect(teamsRuleErrors(manifestWith())).toEqual([]);
  });

  it('keeps a value with quotes or backslashes a plain string', () => {
    const manifest = renderManifest(template, { ...values, PUBLISHER_NAME: 'Adatum "Tools" \\ Co' });
    expect(manifest.developer).toMatchObject({ name: 'Adatum "Tools" \\ Co' });
  });

  it('reports where the schema is broken', () => {
    expect(manifestSchemaErrors(manifestWith('/id', 'not-a-guid'))).toEqual([
      expect.stringMatching(/^\/id must match pattern/),
    ]);
    expect(manifestSchemaErrors(manifestWith('/bots/0/scopes', ['personal', 'meetings']))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/bots\/0\/scopes\/1 must be equal to one of/)]),
    );
    expect(manifestSchemaErrors(manifestWith('/tabs', []))).toEqual([
      '/ must NOT have additional properties (tabs)',
    ]);
  });

  it('catches what the schema lets through but Teams refuses', () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ title: `command ${i}`, description: 'x' }));
    expect(teamsRuleErrors(manifestWith('/bots/0/commandLists/1/commands', eleven))).toEqual([
      '/bots/0/commandLists/1/commands has 11 commands; Teams shows at most 10',
    ]);
    // The store takes no domain outside the publisher's control, wildcards included.
    expect(teamsRuleErrors(manifestWith('/validDomains', ['*.azurewebsites.net']))).toEqual([
      '/validDomains/0 must be a host name such as tenants.contoso.com, got "*.azurewebsites.net"',
    ]);
    expect(teamsRuleErrors(manifestWith('/staticTabs/1/contentUrl', 'http://localhost:3978/tab'))).toEqual([
      '/staticTabs/1/contentUrl must be an https:// URL, got "http://localhost:3978/tab"',
    ]);
    expect(teamsRuleErrors(manifestWith('/name/short', '${{APP_NAME}}'))).toEqual([
      '/ still has a ${{...}} placeholder',
    ]);
  });
});
