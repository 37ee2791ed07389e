/** Awaits a promise that must fail with an AppError, and returns the error. */
import { AppError } from "../../src/errors";

export async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a failure");
}
