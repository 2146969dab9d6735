import { ChildProcess } from 'node:child_process';

/** SIGKILLs a server of the test's own (a crash, not a clean stop) and waits until it is gone. */
export async function killAndWait(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
