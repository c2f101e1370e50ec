import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { createProjectGraphAsync, ProjectGraph } from '@nx/devkit';

const root = path.resolve(__dirname, '../../..');

/**
 * Lints a probe file placed (virtually, via stdin) inside a project with the real ESLint CLI and
 * config, and returns the boundary rule's messages. (ESLint's flat config loads through a dynamic
 * import, which Jest's module sandbox cannot run, hence the child process.)
 */
function boundaryErrors(filePath: string, code: string): string[] {
  const eslint = spawnSync(path.join(root, 'node_modules/.bin/eslint'), ['--stdin', '--stdin-filename', filePath, '--format', 'json'], {
    cwd: root,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  const [result] = JSON.parse(eslint.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries are enforced by lint', () => {
  let graph: ProjectGraph;

  beforeAll(async () => {
    process.env.NX_DAEMON = 'false';
    graph = await createProjectGraphAsync({ exitOnError: false });
  });

  it('gives every project a type and a scope tag', () => {
    for (const [name, node] of Object.entries(graph.nodes)) {
      const tags = node.data.tags ?? [];
      expect({ name, type: tags.some((t) => t.startsWith('type:')), scope: tags.some((t) => t.startsWith('scope:')) }).toEqual({ name, type: true, scope: true });
    }
  });

  it('forbids a service from importing another service', () => {
    const errors = boundaryErrors('services/checkout/src/probe.ts', "import { AppModule } from '../../login/src/app.module';\nexport const x = AppModule;\n");
    expect(errors.join('\n')).toMatch(/Projects cannot be imported by a relative or absolute path/);
  });

  it('forbids contracts from depending on anything but contracts', () => {
    const errors = boundaryErrors('libs/contracts/src/probe.ts', "import { loadConfig } from '@boxoffice/config';\nexport const x = loadConfig;\n");
    expect(errors.join('\n')).toMatch(/tagged with "type:contracts" can only depend on libs tagged with "type:contracts"/);
  });

  it('forbids production code from using test helpers', () => {
    const errors = boundaryErrors('services/notify/src/probe.ts', "import { waitFor } from '@boxoffice/testing';\nexport const x = waitFor;\n");
    expect(errors.join('\n')).toMatch(/tagged with "type:app" can only depend on libs tagged with "type:lib", "type:contracts"/);
  });

  it('allows a service to use shared libraries and contracts', () => {
    const errors = boundaryErrors(
      'services/notify/src/probe.ts',
      "import { parseEvent } from '@boxoffice/contracts';\nimport { commitMessage } from '@boxoffice/kafka';\nexport const x = [parseEvent, commitMessage];\n",
    );
    expect(errors).toEqual([]);
  });
});
