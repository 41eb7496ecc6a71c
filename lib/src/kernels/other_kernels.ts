// Other notebook kernels using nnfs on this machine at the same time. Each OpenBLAS-backed
// kernel splits its products over every core, and two such kernels training at once on two
// cores thrash: their threads meet at barriers while the other kernel holds the core (here a
// training epoch took 4.4× as long with two kernels instead of 2×). Results must not depend
// on what else runs, so nothing changes by itself: a kernel that finds another one says so
// when it loads, and how to give each one thread. Each kernel leaves its pid as a file in
// a folder of the user's; a file whose process is gone is removed by the next one to look.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The folder of pid files: one per user, in the system's temporary folder. */
export function kernelsFolder(): string {
  let user: string;
  try {
    user = String(os.userInfo().uid);
  } catch {
    user = "anyone";
  }
  return path.join(os.tmpdir(), `nnfs-kernels-${user}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Adds this process to `folder` (removed again when it exits) and returns the pids of the
 * other live processes there, oldest file first; removes the files of processes that are gone.
 * Never throws: a folder that cannot be used means none found.
 */
export function registerKernel(folder = kernelsFolder(), pid = process.pid): number[] {
  try {
    fs.mkdirSync(folder, { recursive: true });
    const mine = path.join(folder, String(pid));
    fs.writeFileSync(mine, "");
    process.once("exit", () => fs.rmSync(mine, { force: true }));
    const others: number[] = [];
    for (const name of fs.readdirSync(folder)) {
      const other = Number(name);
      if (!Number.isInteger(other) || other <= 0 || other === pid) continue;
      if (alive(other)) others.push(other);
      else fs.rmSync(path.join(folder, name), { force: true });
    }
    return others.sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** The note a kernel prints when others run beside it with several BLAS threads each; null when there is nothing to say. */
export function otherKernelsNote(others: readonly number[], blasThreads: number | undefined, threadsSet: boolean): string | null {
  if (others.length === 0 || blasThreads === undefined || blasThreads < 2 || threadsSet) return null;
  const which = others.length === 1 ? `another kernel (pid ${others[0]})` : `${others.length} other kernels (pids ${others.join(", ")})`;
  return (
    `note: ${which} uses nnfs on this machine too. OpenBLAS runs ${blasThreads} threads in each, and kernels training at ` +
    `the same time slow each other down far more than by sharing the cores. To train in several at once, give each one ` +
    `thread: restart them with NNFS_THREADS=1 in the environment, or run process.env.NNFS_THREADS = "1" in a cell before ` +
    `the one that imports nnfs. (The labs' grid and sweep runs already use one thread per run.)`
  );
}
