// Open flags arrive in x86_64 numbering (PROTOCOL.md §2). Four of them differ on aarch64; an agent running there
// translates them before calling open(2). All four are mapped at once, since aarch64's O_DIRECTORY is x86_64's
// O_DIRECT.

export interface OpenFlagNumbering {
  O_DIRECTORY: number;
  O_NOFOLLOW: number;
  O_DIRECT: number;
  O_LARGEFILE: number;
}

export const WIRE_OPEN_FLAGS: OpenFlagNumbering = {
  O_DIRECTORY: 0x10000,
  O_NOFOLLOW: 0x20000,
  O_DIRECT: 0x4000,
  O_LARGEFILE: 0x8000,
};
export const AARCH64_OPEN_FLAGS: OpenFlagNumbering = {
  O_DIRECTORY: 0x4000,
  O_NOFOLLOW: 0x8000,
  O_DIRECT: 0x10000,
  O_LARGEFILE: 0x20000,
};

const NATIVE = process.arch === "arm64" ? AARCH64_OPEN_FLAGS : WIRE_OPEN_FLAGS;

export function wireToNativeOpenFlags(flags: number, native: OpenFlagNumbering = NATIVE): number {
  let translated = flags;
  let set = 0;
  for (const name of Object.keys(WIRE_OPEN_FLAGS) as Array<keyof OpenFlagNumbering>) {
    translated &= ~WIRE_OPEN_FLAGS[name];
    if (flags & WIRE_OPEN_FLAGS[name]) set |= native[name];
  }
  return (translated | set) >>> 0;
}
