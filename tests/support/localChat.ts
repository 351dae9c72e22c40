import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDemoDirectory } from '../../demo/directory';
import type { LocalBot } from './localBot';

/**
 * Says something to a bot in local mode as a demo Teams user, over the Bot Framework protocol (local mode
 * takes no token), and returns what the bot posted back to the conversation's service URL: a connector of
 * our own for the length of the turn.
 */
export async function askTheBot(bot: LocalBot, firstName: string, text: string): Promise<unknown[]> {
  const { teams } = loadDemoDirectory();
  const user = teams.users.find((u) => u.displayName.toLowerCase().startsWith(firstName.toLowerCase()));
  if (!user) throw new Error(`No demo Teams user called ${firstName}`);
  const replies: unknown[] = [];
  const connector = createServer((req, res) => {
    void body(req).then((json) => {
      replies.push(json);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  try {
    const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
    const response = await fetch(bot.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl,
        from: { id: user.id, name: user.displayName, aadObjectId: user.objectId },
        recipient: { id: '28:local-bot', name: 'Tenant association' },
        conversation: {
          id: `a:local-${randomUUID()}`,
          conversationType: 'personal',
          tenantId: teams.tenantId,
        },
        channelData: { tenant: { id: teams.tenantId } },
        text,
      }),
    });
    if (!response.ok) throw new Error(`The bot answered ${response.status}`);
    return replies;
  } finally {
    connector.close();
  }
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
}
