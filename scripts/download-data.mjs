// npm run data -- fashion|mnist: downloads a dataset's official files into data/ (checked
// against their SHA-256, written atomically). Needs network access; on Debian/Ubuntu the
// set-up installs Fashion-MNIST from apt instead.
import { createRequire } from "node:module";

const nn = createRequire(import.meta.url)("nnfs");
const name = process.argv[2] ?? "fashion";
try {
  const files = await nn.downloadDataset(name, { onFile: (url) => console.log(`downloading ${url}`) });
  console.log(`saved ${files.length} files in data/`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
