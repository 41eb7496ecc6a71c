// Error types the engine throws on bad input, so callers (and notebooks) can tell
// "you passed something wrong" apart from a bug inside the engine.

/** A hyper-parameter or config field has a value that is not allowed. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Two matrices (or a matrix and a label vector) do not fit together. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** Training produced a non-finite loss; continuing would only spread NaN. */
export class DivergenceError extends Error {
  override name = "DivergenceError";
}

/** A data or checkpoint file is missing, malformed or not the expected one. */
export class DataError extends Error {
  override name = "DataError";
}
