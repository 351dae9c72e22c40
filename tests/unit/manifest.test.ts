import { manifestErrors, renderManifest } from '../../scripts/appPackage';

const values = {
  TEAMS_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  BOT_ID: '0b0b0b0b-1111-4222-8333-444444444444',
  BOT_DOMAIN: 'tenant-association.example.com',
  PUBLISHER_NAME: 'Adatum Software',
  PUBLISHER_WEBSITE: 'https://adatum.example.com',
};

describe('Teams app manifest', () => {
  it("is valid against Microsoft's v1.22 schema once its placeholders are filled", () => {
    expect(manifestErrors(renderManifest(values))).toEqual([]);
  });

  it('lets the token service open the sign-in page (validDomains) and lists the commands people type', () => {
    const manifest = renderManifest(values) as {
      validDomains: string[];
      bots: { botId: string; commandLists: { commands: { title: string }[] }[] }[];
    };
    expect(manifest.validDomains).toEqual(['token.botframework.com', 'tenant-association.example.com']);
    expect(manifest.bots[0]?.botId).toBe(values.BOT_ID);
    expect(manifest.bots[0]?.commandLists[0]?.commands.map((c) => c.title)).toContain('associate tenant');
  });

  it('names every value that is missing, and the schema catches a broken manifest', () => {
    expect(() => renderManifest({ ...values, BOT_ID: undefined, BOT_DOMAIN: '' })).toThrow(
      'Set BOT_ID, BOT_DOMAIN',
    );
    expect(manifestErrors({ ...renderManifest(values), id: 'not-a-guid' }).join()).toMatch(/\/id/);
  });
});
