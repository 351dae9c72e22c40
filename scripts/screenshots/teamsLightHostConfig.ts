/**
 * A host config that makes the Adaptive Cards renderer draw cards the way Microsoft Teams' light theme does:
 * Teams' font stack and type ramp, its brand colour, its neutral greys and its spacing. Everything the
 * renderer takes from the host lives here; the chat around the card is in teamsChat.ts.
 */

/**
 * Teams asks for Segoe UI. Linux has no Segoe UI, so Chromium falls through the stack to Helvetica's
 * metric twin (Liberation Sans on Debian), which is close in width and so wraps lines where Teams would.
 */
export const TEAMS_FONT_STACK =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', Helvetica, Arial, sans-serif";

/** Teams' light theme colours. */
export const TEAMS_COLORS = {
  /** Text. */
  foreground: '#242424',
  /** Secondary text: timestamps, `isSubtle` text. */
  subtle: '#616161',
  /** Teams' brand purple: links, accent text, the primary button. */
  brand: '#5B5FC7',
  brandHover: '#4F52B2',
  /** Status colours dark enough to read as bold text on white (Teams' old card green, #92C353, is not). */
  good: '#237B4B',
  warning: '#8A5A00',
  attention: '#C4314B',
  /** The chat canvas, the message bubbles, their borders and the separators inside cards. */
  canvas: '#F5F5F5',
  surface: '#FFFFFF',
  stroke: '#E0E0E0',
  strokeStrong: '#D1D1D1',
  emphasis: '#F5F5F5',
};

const color = (main: string, subtle: string) => ({ default: main, subtle });

/** The foreground colours of one container style; only the background differs between styles here. */
const foregroundColors = {
  default: color(TEAMS_COLORS.foreground, TEAMS_COLORS.subtle),
  dark: color(TEAMS_COLORS.foreground, TEAMS_COLORS.subtle),
  light: color(TEAMS_COLORS.surface, '#FFFFFFB3'),
  accent: color(TEAMS_COLORS.brand, '#7F85F5'),
  good: color(TEAMS_COLORS.good, '#237B4BB3'),
  warning: color(TEAMS_COLORS.warning, '#8A5A00B3'),
  attention: color(TEAMS_COLORS.attention, '#C4314BB3'),
};

export const teamsLightHostConfig = {
  supportsInteractivity: true,
  fontTypes: {
    default: {
      fontFamily: TEAMS_FONT_STACK,
      // Teams' type ramp: 14 px body, 12 px small, 18 px for a Large heading.
      fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
    monospace: {
      fontFamily: "Consolas, 'Courier New', monospace",
      fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
      fontWeights: { lighter: 300, default: 400, bolder: 600 },
    },
  },
  lineHeights: { small: 16, default: 20, medium: 22, large: 24, extraLarge: 32 },
  spacing: { small: 4, default: 8, medium: 16, large: 24, extraLarge: 32, padding: 16 },
  separator: { lineThickness: 1, lineColor: TEAMS_COLORS.stroke },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: { backgroundColor: TEAMS_COLORS.surface, foregroundColors },
    emphasis: { backgroundColor: TEAMS_COLORS.emphasis, foregroundColors },
    accent: { backgroundColor: '#E8EBFA', foregroundColors },
    good: { backgroundColor: '#E7F2DA', foregroundColors },
    attention: { backgroundColor: '#FCF4F6', foregroundColors },
    warning: { backgroundColor: '#FBF6D9', foregroundColors },
  },
  actions: {
    // Teams shows at most six buttons on a card.
    maxActions: 6,
    spacing: 'medium',
    buttonSpacing: 8,
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
  },
  adaptiveCard: { allowCustomStyle: false },
  factSet: {
    // Teams gives the titles their own column, bold, wrapping within it.
    title: {
      color: 'default',
      size: 'default',
      isSubtle: false,
      weight: 'bolder',
      wrap: true,
      maxWidth: 180,
    },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    // The gap between rows: the renderer puts it on <tr> margins, which browsers ignore, so teamsChat.ts
    // applies it too.
    spacing: 6,
  },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'default' },
    },
    errorMessage: { size: 'small', color: 'attention' },
  },
  textStyles: {
    heading: { size: 'large', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
  },
};

export type TeamsHostConfig = typeof teamsLightHostConfig;
