// The floor for the miss benchmarks (figure 2, CPU per miss): the least a Worker can do to answer
// from the upstream. It forwards the request, path, query and headers unchanged, to FLOOR_UPSTREAM
// (the simulator's origin) and returns the upstream's answer as it is: no auth, validation,
// normalization or cache write. Called with the URL and credentials certgate itself sends upstream.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(new Request(`${env.FLOOR_UPSTREAM}${url.pathname}${url.search}`, request));
  },
};
