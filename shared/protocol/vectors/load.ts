// Reads the shared vector files (README.md in this folder defines their keys) for the tests and the fuzzers.
import { readdirSync, readFileSync } from "node:fs";
import type { CanonicalFrame } from "../canonical.ts";
import type { ProtocolErrorCode } from "../errors.ts";

type HexPart = [hex: string, comment: string];

export interface ValidVector {
  name: string;
  description: string;
  bytes: Buffer;
  decoded: CanonicalFrame;
}

export interface InvalidVector {
  name: string;
  description: string;
  bytes: Buffer;
  error: ProtocolErrorCode;
}

function read<T>(folder: "valid" | "invalid"): (T & { name: string; bytes: Buffer })[] {
  const dir = new URL(`${folder}/`, import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const vector = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as T & { hex: HexPart[] };
      const bytes = Buffer.from(vector.hex.map(([hex]) => hex).join(""), "hex");
      return { ...vector, name: `${folder}/${file.slice(0, -".json".length)}`, bytes };
    });
}

export const validVectors = (): ValidVector[] => read<ValidVector>("valid");
export const invalidVectors = (): InvalidVector[] => read<InvalidVector>("invalid");
