// Which OpenBLAS kernel should run. OpenBLAS picks its kernel from the CPU when the library
// loads, and an older one that does not know a newer CPU falls back to its oldest generic
// kernel ("Prescott"): measured on a Xeon with AVX-512 and AMX, Debian's 0.3.21 ran an
// autoencoder epoch 3.7× slower than with the right kernel. OpenBLAS honours
// OPENBLAS_CORETYPE when it is set before the library loads; this decides whether to set it.
import * as fs from "fs";

/** OpenBLAS kernels that use none of AVX2, FMA or AVX-512 (x86). */
const GENERIC_CORES = [
  "Prescott",
  "Core2",
  "Penryn",
  "Dunnington",
  "Nehalem",
  "Atom",
  "Katmai",
  "Coppermine",
  "Northwood",
  "Banias",
  "Athlon",
  "Opteron",
  "Barcelona",
  "Bobcat",
];

export interface CoreChoice {
  /** The value to put in OPENBLAS_CORETYPE before loading, or null to leave OpenBLAS alone. */
  coretype: string | null;
  /** Why: OpenBLAS's own choice, a correction of it, or the user's OPENBLAS_CORETYPE. */
  source: "detected" | "corrected" | "user";
  /** Said in the banner: what runs and why; a warning when a generic kernel runs on a capable CPU. */
  note: string;
}

/** The best kernel this OpenBLAS offers for these CPU flags, or null when the CPU has no AVX2/FMA. */
export function capableCore(flags: ReadonlySet<string>): string | null {
  if (["avx512f", "avx512bw", "avx512vl", "avx512dq"].every((f) => flags.has(f))) return "SkylakeX";
  if (flags.has("avx2") && flags.has("fma")) return "Haswell";
  return null;
}

/**
 * Decides OPENBLAS_CORETYPE from what the user set, the CPU's flags and the kernel OpenBLAS
 * picked on its own (`reported`, from a probe; null when unknown). A user's value always wins.
 */
export function chooseCoretype(input: { userValue?: string; flags: ReadonlySet<string>; reported: string | null }): CoreChoice {
  const best = capableCore(input.flags);
  const generic = (core: string | null): boolean => core !== null && GENERIC_CORES.some((g) => g.toLowerCase() === core.toLowerCase());
  if (input.userValue) {
    const warn = generic(input.userValue) && best !== null ? `; warning: a generic kernel, this CPU could run ${best}` : "";
    return { coretype: input.userValue, source: "user", note: `set by the user's OPENBLAS_CORETYPE${warn}` };
  }
  if (generic(input.reported) && best !== null) {
    return {
      coretype: best,
      source: "corrected",
      note: `corrected: OpenBLAS would run its generic ${input.reported} kernel, and this CPU has ${best === "SkylakeX" ? "AVX-512" : "AVX2 and FMA"}`,
    };
  }
  const warn = generic(input.reported) ? "; a generic kernel, as this CPU has neither AVX2 nor AVX-512" : "";
  return { coretype: null, source: "detected", note: `chosen by OpenBLAS${warn}` };
}

/** The CPU's feature flags from /proc/cpuinfo (empty where there is none, e.g. macOS). */
export function cpuFlags(cpuinfo = "/proc/cpuinfo"): Set<string> {
  try {
    const line = fs
      .readFileSync(cpuinfo, "utf8")
      .split("\n")
      .find((l) => /^flags\s*:/.test(l));
    return new Set(
      line === undefined
        ? []
        : line
            .replace(/^flags\s*:/, "")
            .trim()
            .split(/\s+/),
    );
  } catch {
    return new Set();
  }
}
