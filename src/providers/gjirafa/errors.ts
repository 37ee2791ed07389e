/**
 * How Gjirafa fails: its envelope's `errors` are plain strings (the code is then the HTTP status), and
 * ASP.NET problem details where its envelope does not cover an error; the core's default reader knows
 * both. No code of Gjirafa's says more than its status.
 */
import type { ErrorDialect } from "../../upstream/dialect";

export const gjirafaErrors: ErrorDialect = Object.freeze({ provider: "gjirafa", label: "Gjirafa" });
