import { TurnContext } from 'botbuilder';
import { ACTIONS, type RequestAction } from '../core/requestMachine';
import { parseCommand, type Command } from './commands';
import { cardDataOf, type CardData } from './cardData';
import {
  addChosen,
  addUsers,
  chooseTenantToManage,
  doneManaging,
  moreResults,
  searchDirectory,
} from './handlers/addUsers';
import { cancel, listTenants, startAssociation } from './handlers/association';
import { moreHistory, showHistory } from './handlers/history';
import { chooseTenantToRemove, startRemoval } from './handlers/removal';
import { listUsers, pageOfUsers, removeUser, setUserRoles } from './handlers/users';
import { help, unknownCommand } from './handlers/help';
import { membershipChanged } from './handlers/membership';
import { notifyHere, notifyOff, notifyStatus } from './handlers/notify';
import { actOnRequest, refreshView, type RequestCardInput } from './handlers/requestCard';
import { sayRefusal } from './handlers/say';
import { signInFailure, signOut, tokenExchange, typedCode, verifyState } from './handlers/signIn';
import { personFrom } from './identity';
import { replies } from '../../cards/replies';
import { messageResponse, sendInvokeResponse, type InvokeResponse, type PersonTurn, type Turn } from './turn';

type CommandRoutes = {
  [Name in Command['name']]: (turn: PersonTurn, command: Extract<Command, { name: Name }>) => Promise<void>;
};

type CardVerb = RequestAction | 'refresh';

type CardVerbRoutes = Record<CardVerb, (turn: PersonTurn, input: RequestCardInput) => Promise<object>>;

/** What people type (bot/teams/commands.ts reads the words). */
const commands: CommandRoutes = {
  associate: startAssociation,
  magicCode: typedCode,
  tenants: listTenants,
  users: listUsers,
  addUsers,
  removeTenant: startRemoval,
  history: showHistory,
  cancel,
  signOut,
  notifyHere,
  notifyOff,
  notifyStatus,
  help,
  unknown: unknownCommand,
};

/** The `Action.Execute` verbs of the request card. */
const cardVerbs: CardVerbRoutes = {
  confirm: (turn, input) => actOnRequest(turn, 'confirm', input),
  cancel: (turn, input) => actOnRequest(turn, 'cancel', input),
  approve: (turn, input) => actOnRequest(turn, 'approve', input),
  reject: (turn, input) => actOnRequest(turn, 'reject', input),
  withdraw: (turn, input) => actOnRequest(turn, 'withdraw', input),
  refresh: refreshView,
};

/** The `Action.Execute` verbs of the cards for the account's users, tenants and history. */
const accountVerbs: Record<string, (turn: PersonTurn, data: CardData) => Promise<object>> = {
  'users.tenant': chooseTenantToManage,
  'users.search': searchDirectory,
  'users.more': moreResults,
  'users.add': addChosen,
  'users.done': doneManaging,
  'users.page': pageOfUsers,
  'users.setRoles': setUserRoles,
  'users.remove': removeUser,
  'tenant.remove': chooseTenantToRemove,
  'history.more': moreHistory,
  'flow.cancel': async () => messageResponse(replies.nothingChanged),
};

/** The invokes Teams sends this bot; any other gets 501, as botbuilder answers. */
const invokes: Record<string, (turn: PersonTurn) => Promise<InvokeResponse>> = {
  'adaptiveCard/action': cardAction,
  'signin/verifyState': verifyState,
  'signin/tokenExchange': tokenExchange,
  'signin/failure': signInFailure,
};

/** Activity types; any other (typing, messageReaction, …) is ignored. */
const activities: Record<string, (turn: Turn) => Promise<void>> = {
  message,
  invoke,
  installationUpdate: membershipChanged,
  conversationUpdate: membershipChanged,
};

/** The single routing point of the bot. */
export async function route(turn: Turn): Promise<void> {
  const { type } = turn.activity;
  if (Object.hasOwn(activities, type)) await activities[type](turn);
}

async function message(turn: Turn): Promise<void> {
  const person = personFrom(turn.activity);
  if (!person) return sayRefusal(turn, { kind: 'roleRequired', role: 'Manager', isMember: false });
  const text = turn.activity.text ? TurnContext.removeRecipientMention(turn.activity) : '';
  const command = parseCommand(text);
  // The table pairs every command name with the handler of exactly that command.
  const handler = commands[command.name] as (turn: PersonTurn, command: Command) => Promise<void>;
  await handler({ ...turn, person }, command);
}

async function invoke(turn: Turn): Promise<void> {
  const name = turn.activity.name ?? '';
  const handler = Object.hasOwn(invokes, name) ? invokes[name] : undefined;
  const person = personFrom(turn.activity);
  let response: InvokeResponse;
  if (!handler) response = { status: 501 };
  else if (person) response = await handler({ ...turn, person });
  // Teams reads a 200 to a token exchange as an exchange that worked: one from no one is refused as any other is.
  else if (name === 'signin/tokenExchange') response = await tokenExchange();
  else response = { status: 200, body: messageResponse(replies.unknownAction) };
  await sendInvokeResponse(turn.context, response);
}

interface ActionValue {
  action?: { verb?: unknown; data?: { requestId?: unknown; reason?: unknown } };
}

/** `adaptiveCard/action`: the verb picks the handler; the response body is the Universal Actions answer. */
async function cardAction(turn: PersonTurn): Promise<InvokeResponse> {
  const { action } = (turn.activity.value ?? {}) as ActionValue;
  const verb = typeof action?.verb === 'string' ? action.verb : '';
  if (Object.hasOwn(accountVerbs, verb)) {
    return { status: 200, body: await accountVerbs[verb](turn, cardDataOf(action?.data)) };
  }
  const requestId = action?.data?.requestId;
  if (
    !isCardVerb(verb) ||
    typeof requestId !== 'string' ||
    requestId.length === 0 ||
    requestId.length > 100
  ) {
    return { status: 200, body: messageResponse(replies.unknownCardAction) };
  }
  const reason = typeof action?.data?.reason === 'string' ? action.data.reason : undefined;
  return { status: 200, body: await cardVerbs[verb](turn, { requestId, ...(reason ? { reason } : {}) }) };
}

function isCardVerb(verb: string): verb is CardVerb {
  return verb === 'refresh' || (ACTIONS as string[]).includes(verb);
}
