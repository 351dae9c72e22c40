/**
 * One deployment of the bot under test: its Redis key prefix, the Teams channel that talks to one of its
 * processes, and the keys the bench reads to check what the bot did.
 */
import { RedisKeys } from '../bot/redis/keys';
import type { TeamsChannel } from '../tests/support/teamsChannel';
import type { RunningServer } from './serverProcess';
import type { Stage } from './stage';

export interface Deployment {
  stage: Stage;
  server: RunningServer;
  teams: TeamsChannel;
  keys: RedisKeys;
  accountId: string;
}

export function deploymentOf(stage: Stage, server: RunningServer, prefix: string): Deployment {
  return {
    stage,
    server,
    teams: stage.teams(server.origin),
    keys: new RedisKeys(prefix),
    accountId: stage.sandbox.directory.account.id,
  };
}
