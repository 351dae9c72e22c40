import { randomBytes } from 'node:crypto';
import { EntraSignIn } from '../../bot/tab/entraSignIn';
import { startSandbox, type Sandbox } from '../../sandbox';
import { answerOf, signInWithPicker } from '../support/entraAccountPicker';

const REDIRECT_URI = 'http://localhost:3978/tab/auth/callback';

/** The tab's authorization-code redemption against the sandbox's Entra ID, with msal-node: what it refuses. */
describe('redeeming the pop-up’s code (msal-node against the sandbox Entra ID)', () => {
  let sandbox: Sandbox;
  let entra: EntraSignIn;
  const nestor = { tenantId: 'tenant', objectId: 'nestor', displayName: 'Nestor Wilke' };

  beforeAll(async () => {
    sandbox = await startSandbox();
    entra = new EntraSignIn({
      loginUrl: sandbox.urls.login,
      clientId: sandbox.tabApp.clientId,
      clientSecret: sandbox.tabApp.clientSecret,
      redirectUri: () => REDIRECT_URI,
      ca: sandbox.caCertPem,
    });
  });
  afterAll(() => sandbox?.close());

  async function signedIn(upn = 'megan@contoso.com') {
    const session = entra.newSession(nestor, new Date());
    const answer = answerOf(
      await signInWithPicker(await entra.authorizeUrl(session), upn, sandbox.caCertPem),
    );
    return { session, answer: { state: answer.state, code: answer.code, clientInfo: answer.client_info } };
  }

  test('the code of this session, with its verifier, nonce and state, gives a Graph token for the tenant', async () => {
    const { session, answer } = await signedIn();
    const token = await entra.redeemerFor(session, answer).redeem(answer.code as string);
    const claims = JSON.parse(Buffer.from((token as string).split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      tid: 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0',
      scp: expect.stringContaining('User.Read'),
    });
  });

  test('an id token whose nonce is not this session’s is refused', async () => {
    const { session, answer } = await signedIn();
    const redeemer = entra.redeemerFor({ ...session, nonce: 'another-sign-in' }, answer);
    expect(await redeemer.redeem(answer.code as string)).toBeUndefined();
  });

  test('a PKCE verifier that does not match the challenge is refused by Entra ID', async () => {
    const { session, answer } = await signedIn();
    const redeemer = entra.redeemerFor(
      { ...session, codeVerifier: randomBytes(32).toString('base64url') },
      answer,
    );
    expect(await redeemer.redeem(answer.code as string)).toBeUndefined();
  });

  test('an answer whose state is not this session’s is refused before the code is sent anywhere', async () => {
    const { session, answer } = await signedIn();
    expect(
      await entra.redeemerFor(session, { ...answer, state: 'forged' }).redeem(answer.code as string),
    ).toBeUndefined();
    // The code was never spent: the right answer still works.
    expect(await entra.redeemerFor(session, answer).redeem(answer.code as string)).toEqual(
      expect.any(String),
    );
  });

  test('msal-node keeps nothing of a sign-in once its code is redeemed, or refused', async () => {
    const { session, answer } = await signedIn();
    expect(await entra.redeemerFor(session, answer).redeem(answer.code as string)).toEqual(
      expect.any(String),
    );
    expect(await entra.remembersAnyone()).toBe(false);
    const refused = await signedIn();
    await entra
      .redeemerFor({ ...refused.session, nonce: 'another' }, refused.answer)
      .redeem(refused.answer.code as string);
    expect(await entra.remembersAnyone()).toBe(false);
  });

  test('a sign-in to manage a tenant’s users asks to read basic profiles too, and Entra ID grants it', async () => {
    const session = {
      ...entra.newSession(nestor, new Date()),
      manage: { tenantId: 'c0a1b2c3-1111-4d2e-9f00-c0c0c0c0c0c0' },
    };
    const url = new URL(await entra.authorizeUrl(session));
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['User.Read', 'User.ReadBasic.All']),
    );
    const answer = answerOf(await signInWithPicker(url.href, 'megan@contoso.com', sandbox.caCertPem));
    const token = await entra
      .redeemerFor(session, { state: answer.state, code: answer.code, clientInfo: answer.client_info })
      .redeem(answer.code);
    expect(token).toEqual(expect.any(String));
  });

  test('a code redeemed once is refused the second time', async () => {
    const { session, answer } = await signedIn();
    expect(await entra.redeemerFor(session, answer).redeem(answer.code as string)).toEqual(
      expect.any(String),
    );
    expect(await entra.redeemerFor(session, answer).redeem(answer.code as string)).toBeUndefined();
  });
});
