// Stands in for chalk (ESM only) under jest: every style is the identity function.
const identity = (...parts) => parts.join(" ");
const chalk = new Proxy(identity, { get: () => chalk, apply: (_t, _this, args) => identity(...args) });
module.exports = chalk;
module.exports.default = chalk;
