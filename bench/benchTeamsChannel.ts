import type { Sandbox } from '../sandbox';
import { TeamsChannel, type Delivery } from '../tests/support/teamsChannel';

/**
 * tests/support's TeamsChannel, presenting one channel token for every activity instead of minting (an RSA
 * signature, about a millisecond of the load core) each time. Teams, too, reuses its token until it expires.
 */
export class BenchTeamsChannel extends TeamsChannel {
  constructor(
    sandbox: Sandbox,
    botUrl: string,
    appId: string,
    private readonly channelToken: string,
  ) {
    super(sandbox, botUrl, appId);
  }

  override post(activity: Record<string, unknown>, authorization?: string): Promise<Delivery> {
    return super.post(activity, authorization ?? `Bearer ${this.channelToken}`);
  }
}
