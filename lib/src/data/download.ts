// Downloads a dataset's official .gz files into data/, for machines without the Debian
// package. Each file is checked (SHA-256 of its contents) before it is put in place, and
// put in place atomically, so data/ never holds half a file or a wrong one.
import * as crypto from "crypto";
import * as path from "path";
import { DataError } from "../errors";
import { projectPath, writeFileAtomic } from "../paths";
import { checkOneOf } from "../validate";
import { DATASETS, DATASET_NAMES, DatasetName } from "./image_datasets";
import { maybeGunzip } from "./idx";

export interface DownloadOptions {
  /** Where the files go. Default <project>/data. */
  dataDir?: string;
  /** Where they come from. Default the dataset's official address. */
  baseUrl?: string;
  /** Seconds to wait for each file. Default 120. */
  timeoutSeconds?: number;
  /** Called before each file, e.g. to print progress. */
  onFile?: (name: string) => void;
}

/** Fetches the four files of `name` into dataDir as <file>.gz; returns their paths. */
export async function downloadDataset(name: DatasetName, options: DownloadOptions = {}): Promise<string[]> {
  const dataset = DATASETS[checkOneOf("dataset", name, DATASET_NAMES)];
  const dataDir = options.dataDir ?? projectPath("data");
  const base = (options.baseUrl ?? dataset.downloadBase).replace(/\/+$/, "");
  const written: string[] = [];
  for (const split of ["train", "test"] as const) {
    for (const spec of [dataset.files[split].images, dataset.files[split].labels]) {
      const url = `${base}/${spec.name}.gz`;
      options.onFile?.(url);
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout((options.timeoutSeconds ?? 120) * 1000) });
      } catch (err) {
        throw new DataError(`could not download ${url} (${(err as Error).message}); without network access, ${dataset.howToInstall.split(", or")[0]}`);
      }
      if (!response.ok) throw new DataError(`could not download ${url}: HTTP ${response.status}`);
      const gz = new Uint8Array(await response.arrayBuffer());
      const sha = crypto.createHash("sha256").update(maybeGunzip(gz, url)).digest("hex");
      if (sha !== spec.sha256) throw new DataError(`${url}: SHA-256 of its contents is ${sha}, expected ${spec.sha256}; not saved`);
      const file = path.join(dataDir, `${spec.name}.gz`);
      writeFileAtomic(file, gz);
      written.push(file);
    }
  }
  return written;
}
