import jwt from 'jsonwebtoken';
import { type Handler, HttpError, type RunningServer, sendJson, serve } from './http';
import type { IssuedSecrets } from './issued';
import { type Claims, nowSeconds, SigningKey, unsignedToken } from './keys';

/** `iss` of tokens the Bot Framework channels send to bots. */
export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** The Entra ID issuer metadata botbuilder uses for Emulator tokens (tenant botframework.com). */
const EMULATOR_ISSUER = 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0';
/** The channels the key may sign for; botbuilder rejects a key that does not endorse the activity's channel. */
export const CHANNEL_ENDORSEMENTS = ['msteams', 'webchat', 'directline', 'emulator', 'test'];

const PATHS = {
  metadata: '/botframework/v1/.well-known/openidconfiguration',
  keys: '/botframework/v1/.well-known/keys',
  emulatorMetadata: '/emulator/v2.0/.well-known/openid-configuration',
};

/** Every way the sandbox can forge a channel token, for tests that each must be refused. */
export const CHANNEL_TOKEN_FORGERIES = [
  'badSignature',
  'expired',
  'notYetValid',
  'wrongAudience',
  'wrongIssuer',
  'hs256',
  'unknownKid',
  'none',
] as const;

export type ChannelTokenForgery = (typeof CHANNEL_TOKEN_FORGERIES)[number];

export interface MintChannelTokenOptions {
  appId: string;
  serviceUrl: string;
  forge?: ChannelTokenForgery;
}

export interface ChannelAuthEmulator {
  url: string;
  openIdMetadataUrl: string;
  emulatorOpenIdMetadataUrl: string;
  mintChannelToken(options: MintChannelTokenOptions): string;
  close(): Promise<void>;
}

/** The Bot Framework's side of inbound auth: OpenID metadata and JWKS, plus a minter for channel tokens. */
export async function startChannelAuth(options: {
  host: string;
  port?: number;
  /** Where every channel token minted is recorded. */
  issued?: IssuedSecrets;
}): Promise<ChannelAuthEmulator> {
  const key = SigningKey.generate();
  let base = '';
  const handler: Handler = async (req, res, url) => {
    if (req.method !== 'GET') throw new HttpError(405, { error: 'method_not_allowed' });
    switch (url.pathname) {
      case PATHS.metadata:
        return sendJson(res, 200, metadata(CHANNEL_ISSUER, base));
      case PATHS.emulatorMetadata:
        return sendJson(res, 200, metadata(EMULATOR_ISSUER, base));
      case PATHS.keys:
        return sendJson(res, 200, { keys: [key.jwk(CHANNEL_ENDORSEMENTS)] });
      default:
        throw new HttpError(404, { error: 'not_found' });
    }
  };
  const running: RunningServer = await serve(handler, options);
  base = `http://${options.host}:${running.port}`;

  let strangerKey: SigningKey | undefined;
  const mintChannelToken = (mint: MintChannelTokenOptions): string => {
    const token = mintOrForge(mint);
    return options.issued ? options.issued.record('channelToken', token) : token;
  };
  const mintOrForge = ({ appId, serviceUrl, forge }: MintChannelTokenOptions): string => {
    const now = nowSeconds();
    const claims: Claims = {
      serviceurl: serviceUrl,
      nbf: now,
      exp: now + 3600,
      iss: CHANNEL_ISSUER,
      aud: appId,
    };
    switch (forge) {
      case undefined:
        return key.sign(claims);
      case 'expired':
        // Past botbuilder's 5 minutes of clock tolerance.
        return key.sign({ ...claims, nbf: now - 7200, exp: now - 3600 });
      case 'notYetValid':
        return key.sign({ ...claims, nbf: now + 3600, exp: now + 7200 });
      case 'wrongAudience':
        return key.sign({ ...claims, aud: '00000000-0000-0000-0000-00000000dead' });
      case 'wrongIssuer':
        return key.sign({ ...claims, iss: 'https://issuer.invalid' });
      case 'badSignature': {
        const [header, payload] = key.sign(claims).split('.');
        const otherSignature = key.sign({ ...claims, aud: `${appId}-other` }).split('.')[2];
        return `${header}.${payload}.${otherSignature}`;
      }
      case 'hs256':
        // The classic confusion attack: HMAC "signed" with a guessable secret, claiming our kid.
        return jwt.sign(claims, 'not-a-real-secret', {
          algorithm: 'HS256',
          keyid: key.kid,
          noTimestamp: true,
        });
      case 'unknownKid':
        strangerKey ??= SigningKey.generate();
        return strangerKey.sign(claims);
      case 'none':
        return unsignedToken(claims);
    }
  };

  return {
    url: base,
    openIdMetadataUrl: base + PATHS.metadata,
    emulatorOpenIdMetadataUrl: base + PATHS.emulatorMetadata,
    mintChannelToken,
    close: running.close,
  };
}

function metadata(issuer: string, base: string): object {
  return {
    issuer,
    authorization_endpoint: 'https://invalid.botframework.com/v1/auth',
    jwks_uri: base + PATHS.keys,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
}
