// Copies the icon next to the compiled node and credential, where their `icon: 'file:mxn.svg'` points.
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, '..');
for (const dir of ['dist/nodes/Mxn', 'dist/credentials']) {
  fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.copyFileSync(path.join(root, 'nodes/Mxn/mxn.svg'), path.join(root, dir, 'mxn.svg'));
}
