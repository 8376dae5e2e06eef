// The browser bench's ceiling for the Mandelbrot speedup: a bare worker that, given a step
// count, runs that many steps of arithmetic and replies with the result. The same work on
// one such worker N times, against on N of them at once, shows how many cores this page can
// really use meanwhile, with no pool involved.
self.onmessage = (event) => {
  let x = 0;
  for (let i = 0; i < event.data; i++) x = x * 0.999999 + i;
  self.postMessage(x);
};
