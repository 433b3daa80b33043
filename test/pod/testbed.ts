// A test bed: one bridge and /24, a cluster DNS server, a backend service only pods can reach, and any number of
// pods. createTestBed() builds it; destroy() (or, failing that, the handlers in cleanup.ts) removes all of it.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Backend } from "./backend.ts";
import { Cgroup, cgroup2Root } from "./cgroup.ts";
import { sweepScript, track, untrack } from "./cleanup.ts";
import { runCommand } from "./command.ts";
import { DnsServer } from "./dns.ts";
import { TestBedError, TestBedErrorCode } from "./errors.ts";
import { type BedLayout, maxPodsPerBed } from "./layout.ts";
import { claimBed } from "./network.ts";
import { Pod, type PodOptions } from "./pod.ts";

export class TestBed {
  private readonly podsByName = new Map<string, Pod>();
  private nextSlot = 0;
  private destroying: Promise<void> | undefined;

  private constructor(
    readonly layout: BedLayout,
    private readonly cgroup: Cgroup,
    readonly dns: DnsServer,
    readonly backend: Backend,
  ) {}

  /** Internal: see createTestBed. */
  static async create(): Promise<TestBed> {
    if (process.getuid?.() !== 0) {
      throw new TestBedError(
        TestBedErrorCode.NotPermitted,
        "test bed: pods need root (network and mount namespaces, veths, cgroups); run the tests as root",
      );
    }
    const layout = await claimBed();
    // From here on everything carries the bed's prefix, so the sweep finds it if creation fails halfway.
    const partial = { name: layout.name, destroy: () => sweepBed(layout.name) };
    track(partial);
    try {
      await mkdir(layout.stateDir, { recursive: true });
      await runCommand(["mount", "-t", "tmpfs", "-o", "mode=0755", `${layout.name}-state`, layout.stateDir]);
      await writeFile(join(layout.stateDir, "owner-pid"), `${process.pid}\n`);
      const cgroup = await Cgroup.create(await cgroup2Root(), layout.cgroup);
      const [dns, backend] = await Promise.all([
        cgroup.child("dns").then((dnsCgroup) => DnsServer.start(layout, dnsCgroup)),
        cgroup.child("svc").then((svcCgroup) => Backend.start(layout, svcCgroup)),
      ]);
      await dns.register(backend.dnsName, backend.ip);
      const bed = new TestBed(layout, cgroup, dns, backend);
      untrack(partial);
      track(bed);
      return bed;
    } catch (error) {
      // If even the sweep fails, the bed stays tracked and the exit handler tries again.
      await partial.destroy().then(
        () => untrack(partial),
        () => undefined,
      );
      throw error;
    }
  }

  /** `dpl<N>`: the prefix of every object of this bed. */
  get name(): string {
    return this.layout.name;
  }

  /** The host's address on the bed's bridge. */
  get hostIp(): string {
    return this.layout.hostIp;
  }

  /** The pods not destroyed yet, by name. */
  get pods(): ReadonlyMap<string, Pod> {
    return new Map([...this.podsByName].filter(([, pod]) => !pod.isDestroyed));
  }

  /** Starts a pod and resolves once its app is ready and its DNS name answers. */
  async pod(options: PodOptions): Promise<Pod> {
    if (this.destroying) {
      throw new TestBedError(TestBedErrorCode.Destroyed, `test bed ${this.name} was destroyed; create a new one`);
    }
    if (this.pods.has(options.name)) {
      throw new TestBedError(TestBedErrorCode.BadRequest, `test bed ${this.name} already has a pod ${options.name}`);
    }
    if (this.nextSlot >= maxPodsPerBed) {
      throw new TestBedError(TestBedErrorCode.BadRequest, `test bed ${this.name} is full (${maxPodsPerBed} pods)`);
    }
    const slot = this.nextSlot++;
    const pod = await Pod.start({ layout: this.layout, dns: this.dns, bedCgroup: this.cgroup, slot }, options);
    this.podsByName.set(pod.name, pod);
    return pod;
  }

  /** Removes every pod, the DNS server, the backend, the bridge and all state. Idempotent; safe after a failure. */
  destroy(): Promise<void> {
    this.destroying ??= sweepBed(this.name).finally(() => untrack(this));
    return this.destroying;
  }
}

async function sweepBed(name: string): Promise<void> {
  await runCommand(["bash", sweepScript, "--quiet", "--bed", name]);
}

/** Builds a test bed (root only). It is destroyed after the test file even if you forget; see cleanup.ts. */
export function createTestBed(): Promise<TestBed> {
  return TestBed.create();
}
