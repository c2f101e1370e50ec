import { execFile } from 'node:child_process';
import { BINARIES, ensureBinary } from './binaries';
import type { ClusterLayout } from './layout';

export interface KubectlResult {
  stdout: string;
  stderr: string;
}

/** Runs the kubectl built from the pinned Kubernetes version against this checkout's cluster. */
export async function kubectl(layout: ClusterLayout, args: string[], input?: string): Promise<KubectlResult> {
  const bin = await ensureBinary(layout.cacheDir, BINARIES.kubectl);
  return new Promise((resolve, reject) => {
    const child = execFile(
      bin,
      args,
      { env: { ...process.env, KUBECONFIG: layout.kubeconfig }, maxBuffer: 128 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(new Error(`kubectl ${args.join(' ')}: ${(stderr || error.message).trim()}`), { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
