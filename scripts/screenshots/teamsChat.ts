import { escapeHtml } from '../../cards/html';
import { TEAMS_COLORS as C, TEAMS_FONT_STACK, teamsLightHostConfig } from '../../cards/hostConfig';

/** The chat a bot message is shown in, as Teams frames it. */
export interface ChatFrame {
  /** The conversation's name in the title bar: the app in a personal chat, the chat's name in a group. */
  title: string;
  kind: 'personal' | 'group';
  /** The bot, as Teams names it (the app's short name) and shows it (the app's colour icon). */
  sender: { name: string; iconDataUrl: string };
  /** The time Teams prints next to the sender, in the reader's time zone. */
  sentAt: string;
  /** The card asks for the whole message pane (`msteams.width: "Full"`) rather than Teams' default width. */
  fullWidth: boolean;
}

/** The id of the element a shot captures, and of the bubble's slot the message is drawn into. */
export const SHOT_ID = 'shot';
export const MESSAGE_SLOT_ID = 'message';

/** A page holding one chat with one bot message, whose bubble is `messageHtml` (or filled in later). */
export function chatPageHtml(frame: ChatFrame, messageHtml = ''): string {
  const icon = `<img class="avatar" alt="" src="${frame.sender.iconDataUrl}">`;
  const chatIcon =
    frame.kind === 'personal' ? icon : `<span class="avatar group-avatar">${initials(frame.title)}</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><style>${CSS}</style></head>
<body>
  <div id="${SHOT_ID}" class="chat">
    <header class="chat-header">${chatIcon}<span class="chat-title">${escapeHtml(frame.title)}</span>
      <nav><span class="tab selected">Chat</span>${frame.kind === 'personal' ? '<span class="tab">About</span>' : '<span class="tab">Shared</span>'}</nav>
    </header>
    <main class="chat-body">
      <div class="message">${icon}
        <div class="message-main">
          <div class="message-meta"><span class="sender">${escapeHtml(frame.sender.name)}</span><span class="time">${escapeHtml(frame.sentAt)}</span></div>
          <div class="bubble${frame.fullWidth ? ' full-width' : ''}" id="${MESSAGE_SLOT_ID}">${messageHtml}</div>
        </div>
      </div>
    </main>
  </div>
</body></html>`;
}

function initials(name: string): string {
  return escapeHtml(
    name
      .split(/\s+/)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? '')
      .join(''),
  );
}

/** Teams' chat canvas, message bubbles, and the look it gives Adaptive Card buttons and inputs. */
const CSS = `
* { box-sizing: border-box; }
html, body { margin: 0; background: ${C.canvas}; }
body { font-family: ${TEAMS_FONT_STACK}; font-size: 14px; line-height: 20px; color: ${C.foreground}; }
.chat { width: 920px; background: ${C.canvas}; }
.chat-header { display: flex; align-items: center; gap: 12px; height: 56px; padding: 0 20px;
  background: ${C.surface}; border-bottom: 1px solid ${C.stroke}; }
.chat-title { font-size: 18px; font-weight: 700; }
.chat-header nav { display: flex; gap: 20px; margin-left: 16px; height: 100%; }
.tab { display: flex; align-items: center; color: ${C.subtle}; font-weight: 600; }
.tab.selected { color: ${C.foreground}; box-shadow: inset 0 -3px 0 ${C.brand}; }
.avatar { width: 32px; height: 32px; border-radius: 6px; flex: none; }
.group-avatar { display: inline-flex; align-items: center; justify-content: center; border-radius: 50%;
  background: #E8EBFA; color: ${C.brand}; font-size: 12px; font-weight: 600; }
.chat-body { padding: 24px 40px 32px 20px; }
.message { display: flex; gap: 12px; align-items: flex-start; }
.message-main { flex: 1; min-width: 0; }
.message-meta { display: flex; gap: 8px; font-size: 12px; line-height: 16px; color: ${C.subtle}; margin-bottom: 4px; }
.sender { font-weight: 600; color: ${C.foreground}; }
.bubble { max-width: 560px; background: ${C.surface}; border: 1px solid ${C.stroke}; border-radius: 6px;
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.08); overflow: hidden; }
.bubble.full-width { max-width: none; }
.bubble p { margin: 0 0 8px; }
.bubble p:last-child { margin-bottom: 0; }
.bubble a { color: ${C.brand}; text-decoration: none; }
.ac-adaptiveCard:focus { outline: none; }
.ac-pushButton { height: 32px; min-width: 96px; padding: 0 12px; border: 1px solid ${C.strokeStrong}; border-radius: 4px;
  background: ${C.surface}; color: ${C.foreground}; font: 600 14px/20px ${TEAMS_FONT_STACK};
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: pointer; }
.ac-pushButton.style-positive { background: ${C.brand}; border-color: ${C.brand}; color: #FFFFFF; }
.ac-pushButton.style-destructive { background: ${C.attention}; border-color: ${C.attention}; color: #FFFFFF; }
/* The renderer sets each fact cell's padding inline, so the row gap needs !important. */
.ac-factset tr + tr td { padding-top: ${teamsLightHostConfig.factSet.spacing}px !important; }
/* A title wraps only past the column's maximum, not whenever a long value squeezes the table. */
.ac-fact-title > * { width: max-content; max-width: ${teamsLightHostConfig.factSet.title.maxWidth}px; }
.ac-input { font: 14px/20px ${TEAMS_FONT_STACK}; color: ${C.foreground}; }
.ac-input.ac-textInput { width: 100%; padding: 6px 10px; background: ${C.surface}; border: 1px solid ${C.strokeStrong};
  border-bottom-color: #616161; border-radius: 4px; resize: none; }
.ac-input.ac-textInput.ac-multiline { height: 80px; }
.ac-input::placeholder { color: #707070; }
.oauth-card { padding: 16px; }
.oauth-buttons { display: flex; gap: 8px; margin-top: 12px; }
.oauth-button { height: 32px; padding: 0 16px; border: 1px solid ${C.strokeStrong}; border-radius: 4px;
  background: ${C.surface}; color: ${C.brand}; font: 600 14px/20px ${TEAMS_FONT_STACK}; }
`;
