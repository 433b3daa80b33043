export interface ProcessRow {
  pid: number;
  ppid: number;
  /** `pid ppid stat seconds wchan args` as `ps` printed it. */
  text: string;
}
export function processTree(root: number | undefined): ProcessRow[];
export function killAll(pids: readonly number[]): void;
