import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderEventCatalog } from './catalog-doc';

describe('docs/events.md', () => {
  it('matches the contracts (regenerate with: npx tsx libs/contracts/src/write-catalog-doc.ts)', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../../docs/events.md'), 'utf8');
    expect(committed).toBe(renderEventCatalog());
  });
});
