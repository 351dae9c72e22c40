/**
 * The app's icon: two interlocked rings, a tenant linked to the Partner Center account, drawn in a unit
 * square (y downwards) from its lower left corner to its upper right one. Teams' rules for it
 * (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons):
 * - color.png: 192×192, the symbol in the middle 96×96 (Teams crops the rest for bots), on a solid square;
 * - outline.png: 32×32, pure white on full transparency, with no padding around the symbol.
 */

/** The accent colour of the manifest, #0067B8. */
const BACKGROUND = [0x00, 0x67, 0xb8] as const;

/** Each ring's outer radius, stroke and the gap where one passes over the other, as fractions of the square. */
const OUTER_RADIUS = 11 / 32;
const HALF_STROKE = 1.75 / 32;
const GAP = 1.25 / 32;
const RADIUS = OUTER_RADIUS - HALF_STROKE;
/** The rings touch the square's edges: one at the left and bottom, the other at the top and right. */
const LOWER_LEFT = { x: OUTER_RADIUS, y: 1 - OUTER_RADIUS };
const UPPER_RIGHT = { x: 1 - OUTER_RADIUS, y: OUTER_RADIUS };

/** Samples per pixel along each axis: the share that is ink gives smooth edges. */
const SAMPLES = 8;

export function drawColorIcon(): Uint8Array {
  const size = 192;
  const symbol = { at: 48, size: 96 };
  return paint(size, (x, y) => {
    const ink = coverage((x - symbol.at) / symbol.size, (y - symbol.at) / symbol.size, 1 / symbol.size);
    // Opaque everywhere: the edges of the symbol are the background mixed with white.
    return [...BACKGROUND.map((channel) => Math.round(channel + (255 - channel) * ink)), 255];
  });
}

export function drawOutlineIcon(): Uint8Array {
  const size = 32;
  return paint(size, (x, y) => [255, 255, 255, Math.round(255 * coverage(x / size, y / size, 1 / size))]);
}

function paint(size: number, pixel: (x: number, y: number) => number[]): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rgba.set(pixel(x, y), (y * size + x) * 4);
  return rgba;
}

/** How much of the pixel whose top left corner is (x, y), `step` wide, is ink: from 0 to 1. */
function coverage(x: number, y: number, step: number): number {
  let ink = 0;
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      if (isInk(x + ((i + 0.5) * step) / SAMPLES, y + ((j + 0.5) * step) / SAMPLES)) ink++;
    }
  }
  return ink / SAMPLES ** 2;
}

function isInk(x: number, y: number): boolean {
  if (x < 0 || x > 1 || y < 0 || y > 1) return false;
  const fromLowerLeft = Math.abs(Math.hypot(x - LOWER_LEFT.x, y - LOWER_LEFT.y) - RADIUS);
  const fromUpperRight = Math.abs(Math.hypot(x - UPPER_RIGHT.x, y - UPPER_RIGHT.y) - RADIUS);
  // The rings cross twice, once on each side of the line through their centres. Each passes over the other
  // at one crossing, and a gap is cut in the ring below, so they read as linked, not as overlapping.
  const [over, under] = x + y < 1 ? [fromLowerLeft, fromUpperRight] : [fromUpperRight, fromLowerLeft];
  return over <= HALF_STROKE || (under <= HALF_STROKE && over > HALF_STROKE + GAP);
}
