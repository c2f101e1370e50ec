import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderEventCatalog } from './catalog-doc';

const target = path.resolve(__dirname, '../../../docs/events.md');
writeFileSync(target, renderEventCatalog());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
