/** Reading the provider's own code and message out of failure bodies of every dialect. */
import { describe, expect, it } from "vitest";
import { upstreamErrorInfo } from "../../src/upstream/error-info";

describe("upstreamErrorInfo", () => {
  it.each([
    [
      "Cloudflare v4",
      { success: false, errors: [{ code: 1406, message: "Bad response certificate service" }] },
      { code: 1406, message: "Bad response certificate service" },
    ],
    [
      "Cloudflare, several errors",
      {
        errors: [
          { code: 1402, message: "a" },
          { code: 1403, message: "b" },
        ],
      },
      { code: 1402, message: "a; b" },
    ],
    [
      "Gjirafa strings",
      { success: false, errors: ["Certificate with id 9 was not found."] },
      { message: "Certificate with id 9 was not found." },
    ],
    [
      "ASP.NET validation problem",
      {
        title: "One or more validation errors occurred.",
        status: 400,
        errors: { DomainName: ["The DomainName field is required."] },
      },
      { message: "The DomainName field is required." },
    ],
    [
      "ASP.NET problem details",
      { title: "Not Found", status: 404, detail: "No such project" },
      { message: "No such project" },
    ],
    ["not an object", "<html>", {}],
    ["null", null, {}],
    ["empty errors", { errors: [] }, {}],
  ])("%s", (_name, body, expected) => {
    expect(upstreamErrorInfo(body)).toEqual(expected);
  });
});
