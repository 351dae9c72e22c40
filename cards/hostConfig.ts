/**
 * Host configs that make the Adaptive Cards renderer draw cards the way Microsoft Teams does in each of
 * its themes: Teams' font stack and type ramp, its brand colour, its neutral greys and its spacing. The
 * Tenants tab renders the bot's own cards with them; `npm run screenshots` pictures them.
 */

/**
 * Teams asks for Segoe UI. Linux has no Segoe UI, so Chromium falls through the stack to Helvetica's
 * metric twin (Liberation Sans on Debian), which is close in width and so wraps lines where Teams would.
 */
export const TEAMS_FONT_STACK =
  "'Segoe UI', 'Segoe UI Web (West European)', -apple-system, BlinkMacSystemFont, Roboto, 'Helvetica Neue', Helvetica, Arial, sans-serif";

/** The themes Teams tells a tab about (app.getContext().app.theme and the theme change handler). */
export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface TeamsPalette {
  foreground: string;
  subtle: string;
  brand: string;
  brandHover: string;
  good: string;
  warning: string;
  attention: string;
  canvas: string;
  surface: string;
  stroke: string;
  strokeStrong: string;
  emphasis: string;
  accentBackground: string;
  goodBackground: string;
  attentionBackground: string;
  warningBackground: string;
}

/** Teams' light theme colours. */
export const TEAMS_COLORS: TeamsPalette = {
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
  accentBackground: '#E8EBFA',
  goodBackground: '#E7F2DA',
  attentionBackground: '#FCF4F6',
  warningBackground: '#FBF6D9',
};

/** Teams' dark theme. */
const DARK: TeamsPalette = {
  foreground: '#FFFFFF',
  subtle: '#ADADAD',
  brand: '#7F85F5',
  brandHover: '#9299F7',
  good: '#6BB700',
  warning: '#F8D22A',
  attention: '#F9526B',
  canvas: '#1F1F1F',
  surface: '#292929',
  stroke: '#3D3D3D',
  strokeStrong: '#666666',
  emphasis: '#333333',
  accentBackground: '#2F2F4A',
  goodBackground: '#1C2A12',
  attentionBackground: '#3E1F25',
  warningBackground: '#3A3112',
};

/** Teams' high contrast theme: black, white, yellow and cyan, as Windows' high contrast does. */
const CONTRAST: TeamsPalette = {
  foreground: '#FFFFFF',
  subtle: '#FFFFFF',
  brand: '#FFFF01',
  brandHover: '#1AEBFF',
  good: '#3FF23F',
  warning: '#FFFF01',
  attention: '#FF5E5E',
  canvas: '#000000',
  surface: '#000000',
  stroke: '#FFFFFF',
  strokeStrong: '#FFFFFF',
  emphasis: '#000000',
  accentBackground: '#000000',
  goodBackground: '#000000',
  attentionBackground: '#000000',
  warningBackground: '#000000',
};

const TEAMS_PALETTES: Record<TeamsTheme, TeamsPalette> = {
  default: TEAMS_COLORS,
  dark: DARK,
  contrast: CONTRAST,
};

const color = (main: string, subtle: string) => ({ default: main, subtle });

/** The host config for one of Teams' themes. */
export function teamsHostConfig(theme: TeamsTheme) {
  const p = TEAMS_PALETTES[theme];
  // The foreground colours of one container style; only the background differs between styles here.
  const foregroundColors = {
    default: color(p.foreground, p.subtle),
    dark: color(p.foreground, p.subtle),
    light: color(p.surface, `${p.surface}B3`),
    accent: color(p.brand, `${p.brand}B3`),
    good: color(p.good, `${p.good}B3`),
    warning: color(p.warning, `${p.warning}B3`),
    attention: color(p.attention, `${p.attention}B3`),
  };
  return {
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
    separator: { lineThickness: 1, lineColor: p.stroke },
    imageSizes: { small: 32, medium: 52, large: 100 },
    containerStyles: {
      default: { backgroundColor: p.surface, foregroundColors },
      emphasis: { backgroundColor: p.emphasis, foregroundColors },
      accent: { backgroundColor: p.accentBackground, foregroundColors },
      good: { backgroundColor: p.goodBackground, foregroundColors },
      attention: { backgroundColor: p.attentionBackground, foregroundColors },
      warning: { backgroundColor: p.warningBackground, foregroundColors },
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
}

export type TeamsHostConfig = ReturnType<typeof teamsHostConfig>;

/** Teams' light theme, the one most pictures show. */
export const teamsLightHostConfig = teamsHostConfig('default');
