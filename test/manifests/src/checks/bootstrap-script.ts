/**
 * What k8s/bootstrap/bootstrap.sh creates, read from its commands (never from its comments):
 * Helm releases and the Secrets of each environment. A deliberately small reader for this one
 * script's shapes: `helm_install RELEASE CHART VERSION NAMESPACE` and
 * `kubectl … create secret generic NAME --from-literal=K=V / --from-file=K=PATH`.
 */
export interface HelmRelease {
  release: string;
  chart: string;
  version: string;
  namespace: string;
}

export interface CreatedSecret {
  name: string;
  /** Keys it is created with, and the value template of literal ones (`${password}` stays as text). */
  keys: Map<string, string | undefined>;
  /** Created with keys the script computes at run time (`"${args[@]}"`): not all keys are known. */
  computedKeys: boolean;
}

export interface BootstrapScript {
  releases: HelmRelease[];
  secrets: CreatedSecret[];
}

/** Drops comment lines and joins continued lines, so that only commands are left. */
export function commandsOf(script: string): string {
  return script
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
}

const unquote = (word: string) => word.replace(/^"(.*)"$/, '$1');

/** `NAME="${NAME:-default}"` settings and `NAME=(a b c)` arrays. */
function variables(commands: string): { scalars: Map<string, string>; arrays: Map<string, string[]> } {
  const scalars = new Map<string, string>();
  for (const m of commands.matchAll(/^\s*([A-Z_]+)="\$\{\1:-([^}]*)\}"/gm)) scalars.set(m[1], m[2]);
  const arrays = new Map<string, string[]>();
  for (const m of commands.matchAll(/^\s*([A-Z_]+)=\(([^)]*)\)/gm)) arrays.set(m[1], m[2].trim().split(/\s+/));
  return { scalars, arrays };
}

export function readBootstrapScript(script: string): BootstrapScript {
  const commands = commandsOf(script);
  const { scalars, arrays } = variables(commands);
  const expand = (word: string) => unquote(word).replace(/\$\{([A-Z_]+)\}/g, (all, name: string) => scalars.get(name) ?? all);

  const releases = [...commands.matchAll(/^\s*helm_install\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/gm)].map((m) => ({
    release: expand(m[1]),
    chart: expand(m[2]),
    version: expand(m[3]),
    namespace: expand(m[4]),
  }));

  // `for svc in "${SERVICES[@]}"` loops: a `${svc}` in a Secret name or value stands for each service.
  const services = arrays.get('SERVICES') ?? [];
  const secrets: CreatedSecret[] = [];
  for (const m of commands.matchAll(/kubectl\s+(?:--namespace\s+\S+\s+)?create\s+secret\s+generic\s+(\S+)([^\n]*)/g)) {
    const [, rawName, rest] = m;
    const instances = rawName.includes('${svc}') ? services : [undefined];
    for (const svc of instances) {
      const sub = (text: string) => (svc ? text.replace(/\$\{svc\}/g, svc) : text);
      const keys = new Map<string, string | undefined>();
      let computedKeys = /"\$\{\w+\[@\]\}"/.test(rest);
      for (const option of rest.matchAll(/--from-(literal|file)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
        const text = unquote(option[2]);
        const at = text.indexOf('=');
        const key = at < 0 ? (text.split('/').pop() ?? text) : text.slice(0, at);
        if (/\$/.test(key)) computedKeys = true;
        else keys.set(key, option[1] === 'literal' ? sub(unquote(text.slice(at + 1))) : undefined);
      }
      secrets.push({ name: sub(unquote(rawName)), keys, computedKeys });
    }
  }
  return { releases, secrets };
}
