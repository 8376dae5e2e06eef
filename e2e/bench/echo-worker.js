// The browser bench's baseline: a bare dedicated worker that answers each message at once,
// as a pool call's reply would, with the sum of its two arguments. Nothing else runs here,
// so its round trip is the cost of postMessage both ways and nothing more.
self.onmessage = (event) => {
  const { id, args } = event.data;
  self.postMessage({ id, result: args[0] + args[1] });
};
