// The engine's only link to the tslab kernel: whether it runs inside one, and its
// display functions. Loaded lazily, so tests and scripts run without a kernel.
import * as fs from "fs";
import { countSend } from "./notebook_send_budget";

/** The part of tslab's display API used here. */
export interface KernelDisplay {
  html(s: string): void;
  text(s: string): void;
  png(b: Uint8Array): void;
}

interface Tslab {
  display: KernelDisplay;
  newDisplay(): KernelDisplay;
}

/** True when this process is a tslab kernel (a notebook is running the code). */
export function inNotebook(): boolean {
  return /[\\/]tslab[\\/]/.test(require.main?.filename ?? "");
}

function tslab(): Tslab {
  try {
    // A runtime require: the engine must load where tslab is not installed.
    return require("tslab") as Tslab;
  } catch {
    throw new Error("showing output needs the tslab kernel (npm run notebooks); outside a notebook, save files instead");
  }
}

function guarded(display: KernelDisplay): KernelDisplay {
  const call = (f: () => void): void => {
    try {
      countSend();
      f();
    } catch (err) {
      throw new Error(`cannot display: not inside a running tslab notebook cell (${(err as Error).message})`);
    }
  };
  return {
    html: (s) => call(() => display.html(s)),
    text: (s) => call(() => display.text(s)),
    png: (b) => call(() => display.png(b)),
  };
}

/** The current cell's output. */
export function cellOutput(): KernelDisplay {
  return guarded(tslab().display);
}

/** A new output area in the current cell that each call replaces (for live progress). */
export function updatableOutput(): KernelDisplay {
  return guarded(tslab().newDisplay());
}

/**
 * Writes a line to fd 2: the terminal that started the kernel, which is where the
 * headless runner shows progress (Jupyter's own server log otherwise). In place
 * (carriage return, for a terminal) until `final`; plain lines for logs.
 */
export function terminalLine(text: string, inPlace: boolean, final: boolean): void {
  try {
    fs.writeSync(2, inPlace ? `\r${text}\x1b[K${final ? "\n" : ""}` : `${text}\n`);
  } catch {
    // No terminal to write to: progress there is optional.
  }
}
