/**
 * The HTML page Cloudflare's edge serves when an origin fails (what a client gets instead of JSON during
 * an outage). Shortened, but with the markers real pages carry (`cf-error-details`, the Ray ID).
 */
import { randomHex } from "./ids";

const TITLES: Record<number, string> = {
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service temporarily unavailable",
  504: "Gateway time-out",
  520: "Web server is returning an unknown error",
  521: "Web server is down",
  522: "Connection timed out",
  524: "A timeout occurred",
};

export function cloudflareErrorPage(status: number): string {
  const title = TITLES[status] ?? "Error";
  const ray = randomHex(8);
  return `<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html lang="en-US">
<head>
<title>api.cloudflare.com | ${status}: ${title}</title>
<meta charset="UTF-8" />
</head>
<body>
<div id="cf-wrapper">
  <div id="cf-error-details" class="p-0">
    <header class="mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-15 antialiased">
      <h1 class="inline-block md:block mr-2 md:mb-2 font-light text-60 md:text-3xl text-black-dark leading-tight">
        <span class="inline-block">${title}</span>
        <span class="code-label">Error code ${status}</span>
      </h1>
    </header>
    <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300">
      <p class="text-13">
        <span class="cf-footer-item sm:block sm:mb-1">Cloudflare Ray ID: <strong class="font-semibold">${ray}</strong></span>
      </p>
    </div>
  </div>
</div>
</body>
</html>
`;
}
