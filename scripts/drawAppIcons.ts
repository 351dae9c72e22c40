import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawColorIcon, drawOutlineIcon } from './appPackage/icons';
import { encodePng } from './appPackage/png';

/** `npx tsx scripts/drawAppIcons.ts` draws appPackage/color.png and outline.png again, after a change to the icon. */
const source = join(__dirname, '..', 'appPackage');
writeFileSync(join(source, 'color.png'), encodePng(192, 192, drawColorIcon()));
writeFileSync(join(source, 'outline.png'), encodePng(32, 32, drawOutlineIcon()));
console.log('Wrote appPackage/color.png and appPackage/outline.png');
