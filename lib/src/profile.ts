// The labs' run profile, read from the LABS_PROFILE environment variable: "full"
// (default, what the labs are meant to show) or "quick" (small and fast, for CI).
import { ConfigError } from "./errors";

export type LabsProfile = "quick" | "full";

export function labsProfile(env: Record<string, string | undefined> = process.env): LabsProfile {
  const value = env.LABS_PROFILE;
  if (value === undefined || value === "" || value === "full") return "full";
  if (value === "quick") return "quick";
  throw new ConfigError(`LABS_PROFILE must be "quick" or "full" (got ${JSON.stringify(value)})`);
}
