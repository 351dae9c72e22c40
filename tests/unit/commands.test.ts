import { parseCommand } from '../../bot/teams/commands';

describe('commands people type', () => {
  it.each([
    ['associate tenant', { name: 'associate', another: false }],
    ['Associate Tenant.', { name: 'associate', another: false }],
    ['  associate   an existing Azure AD tenant ', { name: 'associate', another: false }],
    ['associate another tenant', { name: 'associate', another: true }],
    ['Associate another Azure AD tenant', { name: 'associate', another: true }],
    ['tenants', { name: 'tenants' }],
    ['list tenants', { name: 'tenants' }],
    ['cancel', { name: 'cancel' }],
    ['sign out', { name: 'signOut' }],
    ['signout', { name: 'signOut' }],
    ['help', { name: 'help' }],
    ['123456', { name: 'magicCode', code: '123456' }],
  ])('"%s" is understood', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it.each(['associate tenant now please', 'delete tenant', '12345', '1234567', ''])(
    '"%s" is not a command',
    (text) => {
      expect(parseCommand(text)).toEqual({ name: 'unknown', text: text.trim() });
    },
  );
});
