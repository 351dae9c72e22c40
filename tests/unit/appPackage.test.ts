import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommand } from '../../bot/teams/commands';
import { buildAppPackage, type AppPackage } from '../../scripts/appPackage/build';
import { InvalidManifestError, MissingValuesError } from '../../scripts/appPackage/errors';
import { LOCAL_VALUES } from '../../scripts/appPackage/localValues';
import { manifestSchemaErrors } from '../../scripts/appPackage/manifestSchema';
import { decodePng } from '../support/png';
import { readZip } from '../support/zipReader';

const SOURCE = join(__dirname, '..', '..', 'appPackage');
const PACKAGE_VARIABLES = [
  'TEAMS_APP_ID',
  'PUBLISHER_NAME',
  'PUBLISHER_WEBSITE',
  'BOT_DOMAIN',
  'BOT_ID',
  'AAD_APP_CLIENT_ID',
];

/** The parts of the built manifest these tests read. */
interface BuiltManifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  bots: {
    botId: string;
    scopes: string[];
    commandLists: { scopes: string[]; commands: { title: string }[] }[];
  }[];
  staticTabs: {
    entityId: string;
    name?: string;
    contentUrl?: string;
    websiteUrl?: string;
    scopes: string[];
  }[];
  webApplicationInfo: { id: string; resource: string };
  validDomains: string[];
  permissions: string[];
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'app-package-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder of env files for one test: name -> contents. */
function envDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(scratch, 'env-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('npm run package on a fresh clone (ENV_NAME=local, nothing set)', () => {
  let built: AppPackage;
  let files: Map<string, Buffer>;
  let manifestText: string;
  let manifest: BuiltManifest;
  beforeAll(() => {
    built = buildAppPackage({ envName: 'local', env: {}, envDir: envDir(), outDir: join(scratch, 'local') });
    files = readZip(readFileSync(built.zipPath));
    manifestText = files.get('manifest.json')?.toString('utf8') ?? '';
    manifest = JSON.parse(manifestText) as BuiltManifest;
  });

  it('writes appPackage.local.zip with exactly manifest.json and the two icons, at its root', () => {
    expect(built.zipPath).toBe(join(scratch, 'local', 'appPackage.local.zip'));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(manifest).toEqual(built.manifest);
    expect(files.get('color.png')?.equals(readFileSync(join(SOURCE, 'color.png')))).toBe(true);
    expect(files.get('outline.png')?.equals(readFileSync(join(SOURCE, 'outline.png')))).toBe(true);
  });

  it("fits Microsoft's manifest schema v1.25 (offline), with every placeholder filled from the local values", () => {
    expect(manifest.manifestVersion).toBe('1.25');
    expect(manifest.$schema).toBe(
      'https://developer.microsoft.com/en-us/json-schemas/teams/v1.25/MicrosoftTeams.schema.json',
    );
    expect(manifestSchemaErrors(built.manifest)).toEqual([]);
    expect(manifestText).not.toContain('${{');
    expect(manifest.id).toBe(LOCAL_VALUES.TEAMS_APP_ID);
    expect(manifest.bots[0]?.botId).toBe(LOCAL_VALUES.BOT_ID);
    expect(manifest.developer).toEqual({
      name: LOCAL_VALUES.PUBLISHER_NAME,
      websiteUrl: LOCAL_VALUES.PUBLISHER_WEBSITE,
      privacyUrl: `${LOCAL_VALUES.PUBLISHER_WEBSITE}/privacy`,
      termsOfUseUrl: `${LOCAL_VALUES.PUBLISHER_WEBSITE}/terms`,
    });
  });

  it('has a 192×192 colour icon on a solid square, and a 32×32 outline of pure white on transparency', () => {
    const color = decodePng(files.get('color.png') ?? Buffer.alloc(0));
    expect([color.width, color.height]).toEqual([192, 192]);
    const colours = new Set<string>();
    let seeThrough = 0;
    for (let i = 0; i < color.rgba.length; i += 4) {
      if (color.rgba[i + 3] !== 255) seeThrough++;
      colours.add(color.rgba.subarray(i, i + 3).join());
    }
    expect(seeThrough).toBe(0); // a solid square
    expect(colours.size).toBeGreaterThan(2); // with a symbol on it, not a flat colour

    const outline = decodePng(files.get('outline.png') ?? Buffer.alloc(0));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const offRule: number[] = [];
    let ink = 0;
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const [r, g, b, a] = outline.rgba.subarray(i, i + 4);
      if (a === 0) continue;
      ink++;
      if (r !== 255 || g !== 255 || b !== 255) offRule.push(i / 4);
    }
    expect(offRule).toEqual([]); // every pixel fully transparent, or white with any alpha
    expect(ink).toBeGreaterThan(0);
  });

  it('installs the bot in personal chats, group chats and teams, with a command list for each', () => {
    const [bot] = manifest.bots;
    expect(bot?.scopes).toEqual(['personal', 'groupChat', 'team']);
    const titles = (scope: string) => {
      const lists = bot?.commandLists.filter((list) => list.scopes.includes(scope)) ?? [];
      expect(lists).toHaveLength(1);
      expect(lists[0]?.scopes).toEqual([scope]);
      return lists[0]?.commands.map((command) => command.title) ?? [];
    };
    const common = ['associate tenant', 'tenants', 'remove tenant', 'cancel', 'sign out', 'help'];
    // notify here/off subscribe the chat or channel itself; in a personal chat the bot explains that.
    // The account's people and history are shown in a personal chat only.
    const personalOnly = ['users', 'add users', 'history'];
    expect(titles('personal')).toEqual(expect.arrayContaining([...common, ...personalOnly, 'notify status']));
    expect(titles('personal')).not.toContain('notify here');
    expect(titles('personal')).not.toContain('notify off');
    for (const scope of ['groupChat', 'team']) {
      expect(titles(scope)).toEqual(
        expect.arrayContaining([...common, 'notify here', 'notify off', 'notify status']),
      );
      for (const command of personalOnly) expect(titles(scope)).not.toContain(command);
    }
    for (const list of bot?.commandLists ?? []) {
      expect(list.commands.length).toBeLessThanOrEqual(10); // Teams' limit for a command menu
      const notUnderstood = list.commands.filter(({ title }) => parseCommand(title).name === 'unknown');
      expect(notUnderstood).toEqual([]); // each title, sent as it is, is a command the bot knows
    }
  });

  it("pins the Tenants tab beside the bot's chat and About, and names the tab's app for its single sign-on", () => {
    expect(manifest.staticTabs).toEqual([
      { entityId: 'conversations', scopes: ['personal'] },
      {
        entityId: 'tenants',
        name: 'Tenants',
        contentUrl: 'https://localhost:3978/tab',
        websiteUrl: 'https://localhost:3978/tab',
        scopes: ['personal'],
      },
      { entityId: 'about', scopes: ['personal'] },
    ]);
    expect(manifest.webApplicationInfo).toEqual({
      id: LOCAL_VALUES.AAD_APP_CLIENT_ID,
      resource: `api://localhost:3978/${LOCAL_VALUES.AAD_APP_CLIENT_ID}`,
    });
  });

  it("lets Teams open only the bot's own domain and the token service's sign-in page", () => {
    expect(manifest.validDomains).toEqual(['token.botframework.com', 'localhost:3978']);
    expect(manifest.permissions).toEqual(['identity']);
  });
});

describe('npm run package for another environment', () => {
  it('names every missing variable and the file to set them in, on one line, and writes nothing', () => {
    const outDir = join(scratch, 'nowhere');
    const build = () => buildAppPackage({ envName: 'nowhere', env: {}, outDir });
    expect(build).toThrow(MissingValuesError);
    expect(build).toThrow(
      `To build the app package for ENV_NAME=nowhere, set ${PACKAGE_VARIABLES.join(', ')} in env/.env.nowhere.`,
    );
    expect(existsSync(outDir)).toBe(false);
  });

  it('names only what neither the env files nor the environment set (an empty value is unset)', () => {
    const dir = envDir({
      '.env.staging': 'TEAMS_APP_ID=3f2504e0-4f89-41d3-9a0c-0305e82c3301\nBOT_ID=\nPUBLISHER_NAME=Adatum\n',
      '.env.staging.user': 'BOT_DOMAIN=tenants.adatum.example\n',
    });
    let error: unknown;
    try {
      buildAppPackage({
        envName: 'staging',
        env: { AAD_APP_CLIENT_ID: '', PUBLISHER_WEBSITE: 'https://adatum.example' },
        envDir: dir,
        outDir: join(scratch, 'staging-incomplete'),
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MissingValuesError);
    expect(error).toMatchObject({ names: ['BOT_ID', 'AAD_APP_CLIENT_ID'], file: join(dir, '.env.staging') });
    expect((error as Error).message).not.toContain('\n');
  });

  it('fills the template from env/.env.<name>, then its .user file, then the environment, which wins', () => {
    const dir = envDir({
      '.env.staging': [
        'TEAMS_APP_ID=3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        'BOT_ID=0b0b0b0b-1111-4222-8333-444444444444',
        'AAD_APP_CLIENT_ID=5c5c5c5c-1111-4222-8333-444444444444',
        'BOT_DOMAIN=old.adatum.example',
        'PUBLISHER_NAME=Adatum',
        'PUBLISHER_WEBSITE=https://adatum.example',
      ].join('\n'),
      '.env.staging.user': 'BOT_DOMAIN=tenants.adatum.example\nPUBLISHER_NAME=Adatum Software\n',
    });
    const outDir = join(scratch, 'staging');
    const { zipPath, manifest } = buildAppPackage({
      envName: 'staging',
      env: { PUBLISHER_NAME: 'Adatum Partner Tools' },
      envDir: dir,
      outDir,
    });
    expect(zipPath).toBe(join(outDir, 'appPackage.staging.zip'));
    expect(readdirSync(outDir)).toEqual(['appPackage.staging.zip']);
    expect(manifest).toMatchObject({
      developer: { name: 'Adatum Partner Tools' },
      validDomains: ['token.botframework.com', 'tenants.adatum.example'],
      webApplicationInfo: { resource: 'api://tenants.adatum.example/5c5c5c5c-1111-4222-8333-444444444444' },
    });
  });

  it('lists what Teams would refuse instead of writing a package', () => {
    const build = (overrides: Record<string, string>) => () =>
      buildAppPackage({
        envName: 'local',
        env: overrides,
        envDir: envDir(),
        outDir: join(scratch, 'refused'),
      });
    expect(build({ TEAMS_APP_ID: 'not-a-guid' })).toThrow(InvalidManifestError);
    expect(build({ TEAMS_APP_ID: 'not-a-guid' })).toThrow(/\/id must match pattern/);
    expect(build({ BOT_DOMAIN: 'https://tenants.adatum.example' })).toThrow(
      /\/validDomains\/1 must be a host name such as tenants\.contoso\.com, got "https:\/\/tenants\.adatum\.example"/,
    );
    expect(build({ PUBLISHER_WEBSITE: 'http://adatum.example' })).toThrow(
      /\/developer\/websiteUrl must be an https/,
    );
    expect(existsSync(join(scratch, 'refused'))).toBe(false);
  });
});
