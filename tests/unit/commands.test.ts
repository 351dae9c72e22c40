import { parseCommand } from '../../bot/teams/commands';

describe('commands people type', () => {
  it.each([
    ['associate tenant', { name: 'associate' }],
    ['Associate Tenant.', { name: 'associate' }],
    ['  associate   an existing Azure AD tenant ', { name: 'associate' }],
    ['associate another tenant', { name: 'associate' }],
    ['Associate another Azure AD tenant', { name: 'associate' }],
    ['tenants', { name: 'tenants' }],
    ['list tenants', { name: 'tenants' }],
    ['cancel', { name: 'cancel' }],
    ['sign out', { name: 'signOut' }],
    ['signout', { name: 'signOut' }],
    ['help', { name: 'help' }],
    ['notify here', { name: 'notifyHere' }],
    ['notify off', { name: 'notifyOff' }],
    ['notify status', { name: 'notifyStatus' }],
    ['notify', { name: 'notifyStatus' }],
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
