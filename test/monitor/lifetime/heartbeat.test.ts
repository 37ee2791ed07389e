/**
 * The heartbeat URL: unchanged after a run that checked every scope; `/fail` at the end of the path
 * otherwise (healthchecks.io, Better Stack, Cronitor ping URLs), `?state=fail` for Cronitor's Telemetry API.
 */
import { describe, expect, it } from "vitest";
import { heartbeatPingUrl } from "../../../src/monitor/lifetime/heartbeat";

describe("heartbeatPingUrl", () => {
  it.each([
    {
      what: "healthchecks.io, success",
      url: "https://hc-ping.com/0b4f1c3e-5a8d-4e2b-9c1d-2f3e4a5b6c7d",
      ok: true,
      expected: "https://hc-ping.com/0b4f1c3e-5a8d-4e2b-9c1d-2f3e4a5b6c7d",
    },
    {
      what: "healthchecks.io, failure",
      url: "https://hc-ping.com/0b4f1c3e-5a8d-4e2b-9c1d-2f3e4a5b6c7d",
      ok: false,
      expected: "https://hc-ping.com/0b4f1c3e-5a8d-4e2b-9c1d-2f3e4a5b6c7d/fail",
    },
    {
      what: "healthchecks.io slug URL with a trailing slash: not doubled",
      url: "https://hc-ping.com/ping-key/certgate-monitor/",
      ok: false,
      expected: "https://hc-ping.com/ping-key/certgate-monitor/fail",
    },
    {
      what: "several trailing slashes",
      url: "https://hc-ping.com/uuid//",
      ok: false,
      expected: "https://hc-ping.com/uuid/fail",
    },
    {
      what: "a query string stays after the path",
      url: "https://hc-ping.com/uuid?rid=3f2a&create=1",
      ok: false,
      expected: "https://hc-ping.com/uuid/fail?rid=3f2a&create=1",
    },
    {
      what: "a trailing slash before a query string",
      url: "https://hc-ping.com/uuid/?rid=3f2a",
      ok: false,
      expected: "https://hc-ping.com/uuid/fail?rid=3f2a",
    },
    {
      what: "a query string is kept on success too",
      url: "https://hc-ping.com/uuid?rid=3f2a",
      ok: true,
      expected: "https://hc-ping.com/uuid?rid=3f2a",
    },
    {
      what: "Better Stack, failure",
      url: "https://uptime.betterstack.com/api/v1/heartbeat/XYZ1234",
      ok: false,
      expected: "https://uptime.betterstack.com/api/v1/heartbeat/XYZ1234/fail",
    },
    {
      what: "Cronitor ping URL, failure",
      url: "https://cronitor.link/d3x0c1",
      ok: false,
      expected: "https://cronitor.link/d3x0c1/fail",
    },
    {
      what: "Cronitor Telemetry API URL, failure: the state parameter, not a path segment",
      url: "https://cronitor.link/p/apikey123/certgate-monitor?env=production",
      ok: false,
      expected: "https://cronitor.link/p/apikey123/certgate-monitor?env=production&state=fail",
    },
    {
      what: "Cronitor Telemetry API URL, success",
      url: "https://cronitor.link/p/apikey123/certgate-monitor",
      ok: true,
      expected: "https://cronitor.link/p/apikey123/certgate-monitor",
    },
    {
      what: "a bare host",
      url: "https://heartbeat.example.com",
      ok: false,
      expected: "https://heartbeat.example.com/fail",
    },
    {
      what: "a loopback sandbox receiver",
      url: "http://127.0.0.1:8787/heartbeat/abc",
      ok: false,
      expected: "http://127.0.0.1:8787/heartbeat/abc/fail",
    },
  ])("$what", ({ url, ok, expected }) => {
    expect(heartbeatPingUrl(url, { allScopesChecked: ok })).toBe(expected);
  });

  it.each([
    { what: "not configured", url: undefined },
    { what: "empty", url: "" },
    { what: "null", url: null },
    { what: "not a URL", url: "hc-ping.com/uuid" },
    { what: "not http(s)", url: "ftp://example.com/ping" },
  ])("no ping when the setting is $what", ({ url }) => {
    expect(heartbeatPingUrl(url, { allScopesChecked: true })).toBeNull();
    expect(heartbeatPingUrl(url, { allScopesChecked: false })).toBeNull();
  });
});
